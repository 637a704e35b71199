"""The district summary conference: budget estimate and appraisal, invitations, honours programme."""
