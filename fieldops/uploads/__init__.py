"""Uploaded files: tables read into rows, and the one staged-upload pipeline every import uses.

`tables` reads CSV/XLSX; `staging` keeps a parsed file until it is previewed and confirmed once;
`views` draws the upload, preview, confirm and cancel pages for any import.
"""

from fieldops.uploads.tables import ImportFileError, ImportProblem, Message, read_table

__all__ = ["ImportFileError", "ImportProblem", "Message", "read_table"]
