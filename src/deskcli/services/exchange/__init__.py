"""An office's data in and out: CSV import of customers and past calls, and export.

Small modules, one concern each:

* :mod:`.reader` opens a file and finds its encoding, delimiter and header row;
* :mod:`.fields` names deskcli's fields and the column names other desks use for them;
* :mod:`.mapping` matches the header to those fields (and reads/writes a mapping file);
* :mod:`.values` and :mod:`.dates` turn cells into values, or say why they cannot;
* :mod:`.dedupe` finds the customer a row stands for (external id, e-mail, phone);
* :mod:`.plan` is what an import will do with each row, and the report of it;
* :mod:`.customers` and :mod:`.calls` import one kind of file; :mod:`.batch` records
  the batch and :mod:`.undo` removes it again;
* :mod:`.export` streams customers, calls and events out as CSV, JSON or JSON lines.

A dry run and a commit go through the same code: the dry run reads the database in a
read transaction and writes nothing, so its counts are the commit's counts.
"""
