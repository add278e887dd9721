"""Past incidents in the investigation: recalled as priors at perceive, remembered when a report is built."""
