"""The conference room's papers: the budget estimate (`estimate`), the invitation letter and the guest
list (`invitations`), the certificates (`certificates`). Each turns the room's data into the toolkit's
plain pieces (ntm_intranet/documents/)."""

from .certificates import certificates_pdf
from .estimate import EstimateDoc, EstimateRow, estimate_doc, estimate_docx, estimate_xlsx
from .invitations import (
    GuestListDoc,
    GuestRow,
    InvitationDoc,
    guest_list_doc,
    guest_list_docx,
    invitation_doc,
    invitation_docx,
)

__all__ = ["EstimateDoc", "EstimateRow", "GuestListDoc", "GuestRow", "InvitationDoc", "certificates_pdf",
           "estimate_doc", "estimate_docx", "estimate_xlsx", "guest_list_doc", "guest_list_docx", "invitation_doc",
           "invitation_docx"]
