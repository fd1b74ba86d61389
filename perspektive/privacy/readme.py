"""The German README of an Art. 15 export: what each file holds, in plain words for the client."""

README = """\
Auskunft nach Artikel 15 DSGVO – Aktenzeichen {reference}
===========================================================

Sie haben gefragt, welche Daten die Beratungsstelle über Sie gespeichert hat.
In diesem Ordner finden Sie alles, was in Perspektive über Sie gespeichert ist.
Die Dateien mit der Endung .json sind Textdateien. Sie können sie mit jedem
Texteditor öffnen. Die Briefe im Ordner "dokumente" öffnen Sie mit einem
Textverarbeitungsprogramm (zum Beispiel LibreOffice oder Word).

Die Dateien
-----------

person.json
    Ihr Aktenzeichen, wann wir Sie erfasst haben, wann Ihre Angaben zuletzt
    geändert wurden, Ihre Staatsangehörigkeit und wer Sie berät.

fakten.json
    Ihre Angaben, wie sie heute gespeichert sind: Name, Geburtsdatum,
    Aufenthaltsstatus und Duldungen, Identität, Sprache, Arbeit, Familie,
    Ausbildung und gegebenenfalls Verurteilungen.

fakten_verlauf.json
    Jede frühere Fassung Ihrer Angaben: wann sie gespeichert wurde und von wem.

geplante_ereignisse.json
    Was Ihre Beratung für die Zukunft eingeplant hat (zum Beispiel eine
    Sprachprüfung oder einen Arbeitsbeginn), jeweils mit dem geplanten Tag.

faelle.json
    Ihre Fälle: für welchen Weg zum Bleiberecht (zum Beispiel § 25b AufenthG),
    seit wann, in welchem Stand. Dazu die Checkliste der Unterlagen: was schon
    da ist, Notizen dazu und wann ein Dokument abläuft.

beratungen.json
    Ihre Beratungstermine: Tag, Erst- oder Folgeberatung, Dauer, wer dabei war.

dokumente.json und der Ordner "dokumente"
    Die Briefe und Checklisten, die für Sie erstellt wurden, als Dateien.
    Ältere erstellte Briefe werden nach einiger Zeit gelöscht; sie fehlen dann.

schweigepflichtentbindungen.json
    Wann Sie uns erlaubt haben, Unterlagen an eine Behörde weiterzugeben,
    für welche Unterlagen, und ob Sie die Erlaubnis zurückgenommen haben.

weiterleitungen.json
    Was wir an eine Behörde geschickt haben: an wen (Name, Stelle, E-Mail und
    der Fingerabdruck des Schlüssels, mit dem verschlüsselt wurde), wann,
    welche Unterlagen, und ob die Behörde den Empfang bestätigt hat. Der
    verschlüsselte Inhalt selbst ist nicht dabei.

fristen.json
    Fristen und Termine, die wir für Sie im Blick behalten, und wann wir Ihre
    Beraterin oder Ihren Berater daran erinnern.

fallbesprechungen.json
    Wenn wir Ihren Fall im Quartalstreffen mit der Ausländerbehörde besprochen
    haben: unter welcher Fallnummer (die Behörde sah Ihren Namen nicht), unsere
    Frage, die Einschätzung und Empfehlung der Behörde und was vereinbart wurde.

protokoll.json
    Das Protokoll: wer wann etwas an Ihren Daten getan hat (angelegt,
    geändert, angesehen, weitergeleitet). Es enthält keine Inhalte, nur was
    geschah.

Ihre Rechte
-----------

Sie können verlangen, dass falsche Angaben berichtigt werden (Art. 16 DSGVO)
und dass Ihre Daten gelöscht werden (Art. 17 DSGVO). Wenn Sie Fragen haben,
wenden Sie sich an Ihre Beraterin oder Ihren Berater oder an die oder den
Datenschutzbeauftragten der Beratungsstelle.
"""
