"""Import and export of question banks and competency models as JSON, CSV and Excel (F-15)."""
