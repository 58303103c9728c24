"""The plan's pages, one module per kind of work (URLs in actionplan/urls.py):

- public: the overview, committee pages, the plan table and its downloads, a measure
- status: a measure's status for a year, and a committee reporting a whole year
- plan_editing: goals, sub-goals and measures made, edited, moved, retired and restored
- revision: the secretariat's revision board and locking a year
- cycle: the deadline, reminders and the next plan period
- reports: the annual report (PDF) archive
- docx_import: the plan's Word document read in
- design: the styleguide (its samples are the plan's statuses)
"""
