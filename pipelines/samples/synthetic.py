"""placeholder"""
FILINGS = []
