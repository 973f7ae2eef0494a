"""Files as a connector protocol: CSV, Excel (XLSX) and XML, read and written as streams.

Unlike the network adapters, a file has no endpoint to push to or pull from: HR uploads
one and downloads one. So the registered adapter (adapter.py) only gives file layouts a
connector whose mapping templates are edited like any other; the streaming readers and
writers do the work, and `connectors/files/` runs imports and exports through those
templates. Importing this package registers the adapter.
"""

from mianshi.integrations.connectors.adapters.files import adapter  # noqa: F401
