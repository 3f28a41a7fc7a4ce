"""``python -m bench``: run every benchmark and print its figures."""

print("no benchmark yet")
