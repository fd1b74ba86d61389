"""Documents: the letters and checklists rendered in the sandbox, their PDF, the case summary, a case's checklist
state, the store of generated documents, and the checked upload of workflows and letter templates."""
from .case_summary import FILENAME as SUMMARY_FILENAME
from .case_summary import render_summary
from .checklists import ChecklistError, UnknownItem, checklist_of
from .checklists import anchor as checklist_anchor
from .checklists import note_row_id as checklist_note_row_id
from .checklists import open_note as open_checklist_note
from .checklists import set_done as set_item_done
from .checklists import set_expiry as set_item_expiry
from .checklists import set_note as set_item_note
from .cli import COMMANDS
from .downloads import letter_download, pdf_download
from .expiries import expiry_followups
from .letters import LETTERS, LetterError, letter_filename, render_letter
from .pdf import PdfError
from .pdf import available as pdf_available
from .store import delete_client_documents, document_path, read_document, reseal_document, store_document
from .template_checks import MAX_TEMPLATE_BYTES, SAMPLE_CLIENTS
from .upload import (
    MAX_WORKFLOW_BYTES,
    Upload,
    UploadError,
    install_template,
    install_workflow,
    template_overview,
)

__all__ = [
    "COMMANDS", "LETTERS", "MAX_TEMPLATE_BYTES", "MAX_WORKFLOW_BYTES", "SAMPLE_CLIENTS", "SUMMARY_FILENAME",
    "ChecklistError", "LetterError", "PdfError", "UnknownItem", "Upload", "UploadError", "checklist_anchor",
    "checklist_note_row_id", "checklist_of", "delete_client_documents", "document_path", "init_app", "install_template",
    "open_checklist_note",
    "expiry_followups", "install_workflow", "letter_download", "letter_filename", "pdf_available", "pdf_download", "read_document",
    "render_letter", "render_summary", "reseal_document", "set_item_done", "set_item_expiry",
    "set_item_note", "store_document", "template_overview",
]


def init_app(app) -> None:
    """No pages of its own (the client and case pages offer the downloads); its tasks register with Huey."""
    from . import tasks  # noqa: F401
