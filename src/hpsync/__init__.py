"""hpsync: keeps HYPERPLANNING (timetabling, SOAP) and Edusign (attendance, REST) in sync."""

__version__ = "0.1.0"
