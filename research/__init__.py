"""Research: the research partner's notebooks and datasets, papermill runs, and evidence briefs.

Owns the notebook registry (``registry``), datasets and their schemas (``datasets``,
``schemas``), runs executed by papermill in an isolated kernel (``execution``, ``runner``,
``kernel_*``), small-count suppression of published figures (``disclosure``,
``suppression``) and publishing a run's output as an evidence brief page through review
(``publishing``). Who may do what is decided in ``access``.
"""
