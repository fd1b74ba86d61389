"""The warm LibreOffice's other half: run by the system's Python (Debian's ``python3-uno`` provides ``uno``), never
imported by Perspektive. It starts ``soffice --headless --accept=pipe,...`` with the given private profile,
connects to it over UNO, says ``ready`` and then converts one .docx per line read on stdin (``source<TAB>target``),
answering ``ok``, ``unreadable`` or ``failed <kind>`` per line. It ends LibreOffice when stdin closes (the worker
that started it went away). Paths only, never contents, pass through the pipe; nothing is logged.

Usage: python3 uno_bridge.py SOFFICE PROFILE_URL PIPE_NAME
"""
import subprocess
import sys
import time

import uno  # noqa: I001 - provided by the system (python3-uno), not by the virtual environment
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

START_SECONDS = 60


def _prop(name, value):
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def main():
    soffice, profile, pipe = sys.argv[1:4]
    office = subprocess.Popen(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--invisible", "--norestore", "--nologo",
         "--nolockcheck", "--nodefault", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            if office.poll() is not None or time.monotonic() > deadline:
                print("failed start", flush=True)
                return 1
            time.sleep(0.05)
    desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    print("ready", flush=True)
    load = (_prop("Hidden", True), _prop("ReadOnly", True), _prop("FilterName", "MS Word 2007 XML"))
    store = (_prop("FilterName", "writer_pdf_Export"),)
    try:
        for line in sys.stdin:
            source, _tab, target = line.rstrip("\n").partition("\t")
            try:
                document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0, load)
            except Exception:  # noqa: BLE001 - an unreadable file is an answer, not the bridge's end
                document = None
            if document is None:
                print("unreadable", flush=True)
                continue
            try:
                document.storeToURL(uno.systemPathToFileUrl(target), store)
                print("ok", flush=True)
            except Exception as exc:  # noqa: BLE001 - the kind only: a message could name the file
                print(f"failed {type(exc).__name__}", flush=True)
            finally:
                document.close(True)
    finally:
        try:
            desktop.terminate()
        except Exception:  # noqa: BLE001 - it is being killed anyway
            pass
        office.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
