"""TTA: needs assessments, TTA requests, and matching them to resources and peers."""
