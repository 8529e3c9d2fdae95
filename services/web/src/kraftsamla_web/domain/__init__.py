"""The web application's rules: pure Python, no I/O (who the signed-in person is, where a page may
send them next, which language they read)."""
