"""What a scan writes: findings, coverage, timeline, records, custody, report."""
