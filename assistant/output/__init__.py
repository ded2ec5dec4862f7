"""Stage 8, output: the official form written as .xlsx / .docx / .json (export) and the saved drafts
(storage, SQLite per browser)."""
