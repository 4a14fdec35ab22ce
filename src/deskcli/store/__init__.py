"""The database: engine set-up, the pre-open file checks and the migrations."""
