"""The public website, written by ``jixiao build`` (publish.py) and previewed by ``jixiao serve`` (serve.py).

The pipeline, one module each:
    engine.py     mkdocs builds the editorial pages of docs/ and the theme's frame (mkdocs.yml, hooks.py)
    shell.py      the frame, cut at its <article>, around every data page
    unitpages.py  one worker per unit: official tables, unit and project pages, open data
    views.py      the model as texts, rows and links; pages.py + templates/ turn them into HTML
    overview.py   home, region and year pages from the units' summaries (chart.py: SVG bars)
    exports.py    JSON, CSV and datapackage.json; history.py: 修订记录 from git
    search.py     the search index (character pairs); addresses.py: where every page and file lives
"""
