"""The learning network: meetings and their action items, hosting rotation,
agreements, peer reviews, good practice and the calendar files.

Modules: :mod:`.rotation` (rotation data and the pure plan), :mod:`.network_result`
(the once-per-build computation of meetings, agreements, peer reviews and the
good-practice index), :mod:`.views` and :mod:`.directives` (pages), :mod:`.calendar`
(iCalendar files).
"""
