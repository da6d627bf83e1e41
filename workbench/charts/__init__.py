"""Matplotlib figures, titled and labelled in Ukrainian or English, each with a caption for reports.

One module per family; import a figure from its module (``from workbench.charts.case import star_chart``):

- :mod:`~workbench.charts.common`: the "no data" figure and wrapped labels, used by every chart;
- :mod:`~workbench.charts.case`: a client's star profile and goal progress (the staff apps);
- :mod:`~workbench.charts.report`: the supervisors' charts (domain trends, caseload, indicators, needs
  heatmap, change by domain, goal attainment);
- :mod:`~workbench.charts.research`: the researchers' figures (reliable change, Kaplan–Meier, cumulative
  incidence, GAS T-scores by programme), drawn from the numbers :mod:`workbench.evaluation` returns.
"""
