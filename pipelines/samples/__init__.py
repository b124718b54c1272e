"""Sample filings shipped in ``data/samples``: one transcribed published filing, the rest synthetic."""
