"""Documents: the letters and checklists rendered in the sandbox, their PDF, the case summary, a case's checklist
state, the Anlagen and the client's handout from it in the client's language (handout, translations, rtl), the
store of generated documents, and the checked upload of workflows and letter templates, kept as versions in the
database."""
from .arguments import unargued as unargued_requirements
from .case_summary import FILENAME as SUMMARY_FILENAME
from .case_summary import categories as summary_categories
from .case_summary import categories_for as summary_categories_for
from .case_summary import render_summary, summary_content, summary_lines
from .checklists import ChecklistError, UnknownItem, checklist_of
from .checklists import anchor as checklist_anchor
from .checklists import note_row_id as checklist_note_row_id
from .checklists import open_note as open_checklist_note
from .checklists import set_done as set_item_done
from .checklists import set_expiry as set_item_expiry
from .checklists import set_note as set_item_note
from .cli import COMMANDS
from .downloads import case_of as letter_case
from .downloads import letter_download, pdf_download
from .expiries import expiry_followups
from .letters import LETTERS, LetterError, letter_filename, render_letter
from .pdf import PdfError
from .pdf import available as pdf_available
from .store import delete_client_documents, document_path, read_document, reseal_document, store_document
from .template_checks import MAX_TEMPLATE_BYTES, SAMPLE_CLIENTS
from .translations import GERMAN as TRANSLATIONS_GERMAN
from .translations import every as checklist_translations
from .translations import folder as checklist_translations_folder
from .translations import load as load_translation
from .translations import mark_reviewed as mark_translation_reviewed
from .translations import review_of as translation_review
from .translations import withdraw_review as withdraw_translation_review
from .upload import (
    MAX_WORKFLOW_BYTES,
    Upload,
    UploadError,
    install_template,
    install_workflow,
    restore,
    template_overview,
)
from .upload_store import history as upload_history
from .upload_store import import_local_once as import_uploads_once
from .upload_store import sync as sync_uploads
from .upload_store import sync_for_task as sync_uploads_for_task

__all__ = [
    "COMMANDS", "LETTERS", "MAX_TEMPLATE_BYTES", "MAX_WORKFLOW_BYTES", "SAMPLE_CLIENTS", "SUMMARY_FILENAME",
    "ChecklistError", "LetterError", "PdfError", "UnknownItem", "Upload", "UploadError", "checklist_anchor",
    "checklist_note_row_id", "checklist_of", "delete_client_documents", "document_path", "init_app", "install_template",
    "open_checklist_note",
    "expiry_followups", "install_workflow", "letter_case", "letter_download", "letter_filename", "pdf_available",
    "pdf_download", "read_document", "render_letter", "render_summary", "summary_categories", "summary_categories_for",
    "summary_content", "summary_lines", "reseal_document", "set_item_done", "set_item_expiry",
    "set_item_note", "store_document", "template_overview", "restore", "upload_history", "import_uploads_once",
    "sync_uploads", "sync_uploads_for_task",
    "unargued_requirements",
    "TRANSLATIONS_GERMAN", "checklist_translations", "checklist_translations_folder", "load_translation",
    "mark_translation_reviewed", "translation_review", "withdraw_translation_review",
]


def init_app(app) -> None:
    """No pages of its own (the client and case pages offer the downloads); its tasks register with Huey."""
    from . import tasks  # noqa: F401
