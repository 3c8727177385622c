"""Automatic decisions within the self-service band, with a person for everything else."""
