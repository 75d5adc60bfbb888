"""Measures: the quarterly performance figures each task force reports (issue 17).

Staff define reporting periods and a versioned measure set; a task force's coordinator or a
designated data reporter fills in, checks and submits the quarter's report; staff accept it or
return it with comments. Only aggregate counts, never anything about a case.
"""
