"""Reading and validating the data files: finding them, loading, the schema, the model, formatting."""
