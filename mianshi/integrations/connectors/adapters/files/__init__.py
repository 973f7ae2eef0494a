"""Files as a connector protocol: CSV, Excel (XLSX) and XML, read and written as streams.

Unlike the network adapters, a file has no endpoint to push to or pull from: HR uploads
one and downloads one. So this folder holds no registered Adapter, only the streaming
readers and writers; `connectors/files/` runs imports and exports through the same mapping
templates the network connectors use.
"""
