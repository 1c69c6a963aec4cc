"""``jixiao import``: Word, Excel and extracted-text tables → the YAML data tree.

The pipeline, one module per step: ``read`` opens a file and dispatches by format to ``text``,
``docx`` or ``xlsx``, each producing the neutral representation of ``source`` (paragraphs and
tables of cells with their positions) within the caps declared in ``limits``; ``recognise`` finds the forms in it; ``project``,
``department`` and ``summary`` turn each form into data, using ``fields`` (label | value rows),
``indicators`` (the indicator grid and its repairs), ``cleaning`` (text repairs) and ``vocabulary``
(the forms' labels); ``assemble`` decides unit, region and year and cross-checks the tables;
``write`` writes canonical YAML without overwriting edits; ``run`` ties them together.
``xlsx_template`` writes the empty editing form that ``jixiao new project --xlsx`` creates.
"""

from generator.importers.assemble import Options
from generator.importers.run import ImportResult, import_sources

__all__ = ["ImportResult", "Options", "import_sources"]
