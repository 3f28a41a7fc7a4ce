"""The up flow: Edusign attendance → Hyperplanning absences and delays, exactly once."""
