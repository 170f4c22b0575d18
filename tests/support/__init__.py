"""Helpers the tests share (this package holds no tests).

- ``queries``: count the SQL a block of code or a page runs;
- ``clients``: the CSRF-sending test client and the sign-in helpers;
- ``smtp``: a loopback SMTP server that keeps what it receives;
- ``app_state``: one app per database for the whole run, put back as it
  was after every test;
- ``browser``: Playwright and Chromium, shared by the browser tests that
  follow one another.
"""
