"""Word lists for synthetic help desk data: names, organisations and call texts.

Plain data, no logic: :mod:`deskcli.workload.generator` combines these into
customers, calls, notes and promises. The problem texts are keyed by the category
keys of ``data/policies/categories.toml``.
"""

from __future__ import annotations

FIRST_NAMES: tuple[str, ...] = (
    # British and Irish
    "Ann", "Oliver", "Amelia", "George", "Isla", "Harry", "Emily", "Jack", "Sophie", "Thomas",
    "Charlotte", "James", "Jessica", "William", "Lucy", "Daniel", "Hannah", "Matthew", "Grace", "Samuel",
    "Eleanor", "Rhys", "Megan", "Callum", "Fiona", "Ewan", "Niamh", "Ciarán", "Siobhán", "Aoife",
    "Seán", "Róisín", "Eilidh", "Gareth", "Bethan", "Dafydd", "Catrin", "Alistair", "Morag", "Hamish",
    "Peter", "Margaret", "Susan", "David", "Helen", "Robert", "Claire", "Andrew", "Joanne", "Michael",
    # Continental European
    "Zoë", "Chloé", "Léa", "Hélène", "François", "Jérôme", "Amélie", "Renée", "Noël", "Björn",
    "Søren", "Åsa", "Jürgen", "Günther", "Käthe", "Lukas", "Anja", "Matteo", "Giulia", "Francesca",
    "Luca", "Alessandro", "Chiara", "José", "María", "Lucía", "Álvaro", "Inés", "João", "Conceição",
    "Agnieszka", "Łukasz", "Małgorzata", "Tomasz", "Katarzyna", "Jiří", "Zuzana", "Ioana", "Andrei", "Dimitrios",
    "Eleni", "Nikolai", "Olga", "Anastasia", "Piotr", "Marek", "Eszter", "Ádám", "Mika", "Aino",
    # African, Asian, Middle Eastern and others
    "Chidi", "Ngozi", "Oluwaseun", "Adaeze", "Kwame", "Ama", "Thabo", "Zanele", "Amara", "Kofi",
    "Priya", "Arjun", "Ananya", "Rohan", "Deepika", "Sanjay", "Lakshmi", "Vikram", "Harpreet", "Gurpreet",
    "Mohammed", "Fatima", "Aisha", "Omar", "Yusuf", "Leila", "Tariq", "Zainab", "Hassan", "Mariam",
    "Wei", "Mei", "Jun", "Xiu", "Hiroshi", "Yuki", "Haruto", "Sakura", "Min-jun", "Ji-woo",
    "Nguyen", "Linh", "Thi", "Rizwan", "Ayşe", "Mehmet", "Elif", "Can", "Sina", "Darius",
    "Mateus", "Valentina", "Santiago", "Camila", "Diego", "Sofía", "Kai", "Aroha", "Tane", "Nalani",
)

SURNAMES: tuple[str, ...] = (
    # British and Irish
    "Jones", "Smith", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Roberts",
    "Johnson", "Lewis", "Walker", "Robinson", "Wood", "Thompson", "White", "Watson", "Jackson", "Wright",
    "Green", "Harris", "Cooper", "King", "Lee", "Martin", "Clarke", "James", "Morgan", "Hughes",
    "Edwards", "Hill", "Moore", "Clark", "Harrison", "Scott", "Young", "Morris", "Hall", "Ward",
    "O'Brien", "O'Connor", "O'Neill", "O'Sullivan", "D'Arcy", "McCarthy", "MacDonald", "McKenzie", "Ó Briain", "Ní Bhriain",
    "Fitzgerald", "Gallagher", "Murphy", "Kelly", "Byrne", "Llewellyn", "Pritchard", "Cadwaladr", "Fraser", "Campbell",
    # Continental European
    "Müller", "Schäfer", "Groß", "Köhler", "Weiß", "Zimmermann", "Fischer", "Lefèvre", "Dubois", "Béranger",
    "Moreau", "Girard", "Lévesque", "Côté", "Rossi", "Bianchi", "Esposito", "Romano", "De Luca", "D'Angelo",
    "García", "Fernández", "López", "Martínez", "Sánchez", "Muñoz", "Gonçalves", "Conceição", "Silva", "Pereira",
    "Kowalski", "Wiśniewski", "Wójcik", "Nowak", "Dvořák", "Novák", "Horváth", "Nagy", "Popescu", "Ionescu",
    "Papadopoulos", "Georgiou", "Ivanov", "Petrova", "Jansen", "de Vries", "van der Berg", "Andersen", "Nielsen", "Håkansson",
    "Lindqvist", "Järvinen", "Virtanen", "Østergaard", "Eriksson",
    # African, Asian, Middle Eastern and others
    "Okafor", "Adeyemi", "Okonkwo", "Mensah", "Asante", "Nkosi", "Dlamini", "Mwangi", "Otieno", "Abubakar",
    "Patel", "Sharma", "Singh", "Kaur", "Gupta", "Khan", "Iyer", "Reddy", "Chowdhury", "Bose",
    "Ahmed", "Hussain", "Rahman", "Al-Sayed", "Haddad", "Nasser", "Karimi", "Hosseini", "Yilmaz", "Öztürk",
    "Chen", "Wang", "Li", "Zhang", "Liu", "Tanaka", "Suzuki", "Watanabe", "Kim", "Park",
    "Nguyễn", "Tran", "Pham", "Santos", "Reyes", "Rodríguez", "Gómez", "Hernández", "Ngata", "Kealoha",
)

ANALYST_NAMES: tuple[str, ...] = (
    "Ann Jones", "Ravi Patel", "Siobhán Kelly", "Tom Whitfield", "Grace Okafor", "Marek Nowak",
    "Hannah Lewis", "Yusuf Rahman", "Chloé Moreau", "Callum Fraser", "Priya Sharma", "Ben Hughes",
    "Megan Pritchard", "Kwame Mensah", "Lucía Fernández", "Daniel O'Brien", "Mei Chen", "Rhys Evans",
    "Aisha Khan", "Jürgen Köhler", "Sophie Walker", "Omar Haddad", "Eilidh Campbell", "Sam Taylor",
    "Niamh Byrne", "Lukas Fischer", "Zanele Dlamini", "Peter Ward", "Ines Santos", "Joanne Clarke",
    "Haruto Tanaka", "Fatima Ahmed", "Gareth Morgan", "Anja Jansen", "Chidi Okonkwo", "Claire Martin",
)

ORGANISATIONS: tuple[str, ...] = (
    "Acme Manufacturing", "Harbour Logistics", "Northgate Council", "Riverside Health Trust", "Bright Futures Academy",
    "Oakfield Insurance", "Pennine Water", "Castle Bank", "Meridian Pharmaceuticals", "Greenway Energy",
    "Thames Valley Housing", "Summit Legal", "Bluebell Retail", "Kestrel Aviation", "Falcon Freight",
    "Willow Care Homes", "Lighthouse Media", "Granite Construction", "Silverline Telecom", "Orchard Foods",
    "St Mary's University", "Kingsway Motors", "Avalon Hotels", "Beacon Charity Trust", "Cobalt Software",
    "Daventry Engineering", "Elmwood Schools", "Fairfax Accountants", "Greystone Architects", "Highland Distillers",
    "Ironbridge Museum", "Juniper Dental", "Keystone Properties", "Lakeside Leisure", "Marlow Publishing",
    "Nightingale Clinics", "Osprey Marine", "Pembroke Estates", "Quayside Brewing", "Redwood Recruitment",
    "Sapphire Travel", "Tudor Garden Centres", "Unity Credit Union", "Vantage Consulting", "Westfield Opticians",
    "Yew Tree Veterinary", "Zenith Print", "Ashby & Cole Solicitors", "Brennan's Bakeries", "Cairn Outdoor",
    "Dovecote Nurseries", "Everest Security", "Foxglove Florists", "Gallagher Haulage", "Heron Wharf Studios",
    "Ivy Lane Surgery", "Jubilee Sports Club", "Kite Fashion", "Lantern Theatre", "Moorland Farms",
)

DEPARTMENTS: tuple[str, ...] = (
    "Finance", "Accounts Payable", "Payroll", "Human Resources", "Sales", "Marketing", "Customer Service",
    "Operations", "Warehouse", "Logistics", "Procurement", "Legal", "Facilities", "Reception",
    "Research and Development", "Engineering", "Quality", "Production", "Training", "Executive Office",
    "Communications", "Estates", "Admissions", "Compliance",
)

PHONE_LABELS: tuple[str, ...] = ("work", "mobile", "home", "desk", "switchboard")

# --- Per category: what the caller says, what the analyst notes, what fixed it.

SUMMARIES: dict[str, tuple[str, ...]] = {
    "accounts": (
        "Locked out of the network account after several wrong passwords",
        "Password expired and the reset page rejects the new one",
        "Cannot sign in to the payroll system: 'invalid credentials'",
        "Forgotten password for the HR portal",
        "Two-factor code not arriving on the new phone",
        "Account disabled after returning from leave",
        "Asked to change password but the old one is not accepted",
        "Single sign-on loops back to the login page",
        "New starter has no account on the finance system",
        "Authenticator app lost with the old phone",
        "Signed in but sees another person's name on the account",
        "Password reset e-mail never arrives",
    ),
    "hardware": (
        "Laptop will not power on",
        "Printer on the second floor shows as offline",
        "Monitor shows 'no signal' after the desk move",
        "Keyboard keys stick after coffee was spilled",
        "Docking station does not charge the laptop",
        "Label printer in the warehouse prints blank labels",
        "Computer very slow since this morning",
        "Laptop screen flickers and goes dark",
        "Headset microphone not picked up in calls",
        "Scanner jams on every second page",
        "Blue screen at start-up after the update",
        "Mouse and keyboard stop working intermittently",
        "Battery drains in under an hour",
        "Projector in the meeting room shows no picture",
    ),
    "network": (
        "VPN will not connect from home",
        "Wi-Fi keeps dropping in the east wing",
        "No internet access on the office desktop",
        "Shared drive unreachable from the branch office",
        "Very slow network in the warehouse",
        "Cannot reach the intranet since yesterday",
        "VPN connects but no internal sites load",
        "Guest Wi-Fi password not accepted",
        "Network cable port on the desk appears dead",
        "Video calls keep freezing",
        "Home broadband fine but VPN drops every hour",
    ),
    "email": (
        "E-mail not arriving since yesterday afternoon",
        "Mailbox full: cannot send messages",
        "Outlook asks for the password over and over",
        "Shared mailbox disappeared from Outlook",
        "Calendar invitations not showing on the phone",
        "Messages to a supplier bounce back",
        "E-mail on the phone stopped syncing",
        "Out-of-office reply cannot be switched off",
        "Attachments blocked as unsafe",
        "Distribution list is missing new team members",
        "Suspicious e-mail asking for bank details",
        "Sent items folder is empty",
    ),
    "software": (
        "Accounts package crashes when printing invoices",
        "Request to install the PDF editor",
        "Spreadsheet macro stopped working after the update",
        "CRM shows an error when saving a record",
        "Licence expired message in the design software",
        "Browser extension for the timesheet tool missing",
        "Word freezes when opening large documents",
        "Cannot open files from the document management system",
        "Payroll export produces an empty file",
        "Teams will not start after the update",
        "Request for a newer version of the statistics package",
        "Application asks for administrator rights to run",
    ),
    "access": (
        "Needs access to the finance shared drive",
        "New starter needs a building pass and system accounts",
        "Access to the HR folder for the new team lead",
        "Read-only access to the sales dashboard",
        "Contractor needs temporary VPN access",
        "Access removed by mistake after a role change",
        "Needs to approve purchase orders in the new system",
        "Access to a colleague's mailbox while they are on leave",
        "Permission denied on the project folder",
        "Needs admin rights to install lab software",
    ),
    "service": (
        "Complaint: promised call-back never happened",
        "Laptop repair took longer than promised",
        "Unhappy with how the last call was handled",
        "Replacement phone not delivered as promised",
        "Complaint: ticket closed without agreement",
        "Asked three times about the same printer fault",
        "Engineer visit missed without notice",
        "Wants an update on a delivery that is overdue",
        "Billing query about a recharge for a repair",
        "Complaint about being kept on hold too long",
    ),
}

SUMMARY_CONTEXTS: tuple[str, ...] = (
    "", "", "", "", "", "",
    " since this morning",
    " since yesterday",
    " after the weekend",
    " (second time this week)",
    " for the whole team",
    " since the update last night",
    " — urgent, deadline today",
    " while working from home",
    " at the branch office",
    " since the office move",
)

NOTE_FRAGMENTS: dict[str, tuple[str, ...]] = {
    "_common": (
        "tried a restart",
        "asked about recent changes",
        "customer had already restarted twice",
        "no error message shown",
        "checked the service status page: all green",
        "colleague at the next desk unaffected",
        "customer read out the error message",
        "asked for a screenshot by e-mail",
        "customer in a meeting at 2pm, keep it short",
        "confirmed name spelling",
        "customer prefers a call-back to waiting on hold",
        "remote session offered, customer accepted",
        "remote session offered, customer declined",
        "customer is working to a deadline",
        "asked when it last worked",
        "repeat caller about the same problem",
        "customer calm and helpful",
        "customer frustrated, apologised for the wait",
    ),
    "accounts": (
        "verified identity with security questions",
        "account locked in the directory",
        "password age 92 days",
        "last successful sign-in Friday",
        "checked the authenticator registration",
        "manager approval needed for reactivation",
    ),
    "hardware": (
        "asset tag read out by customer",
        "power light amber",
        "tried another power socket",
        "swapped the cable, same result",
        "device under warranty",
        "printer queue shows jobs stuck",
        "device was moved last week",
    ),
    "network": (
        "customer at home on broadband",
        "ping to the gateway fails",
        "other sites load fine",
        "VPN client version is out of date",
        "several people on the floor affected",
        "checked the switch port status",
    ),
    "email": (
        "mailbox at 99% of quota",
        "rule found moving mail to an old folder",
        "webmail works, desktop client does not",
        "phone profile needs re-adding",
        "message trace shows delivery",
        "sender address on the block list",
    ),
    "software": (
        "version number noted",
        "happens every time with large files",
        "update installed on Tuesday",
        "no licence seats left",
        "error code noted in the hand-off",
        "reproduced on a test machine",
    ),
    "access": (
        "line manager named for approval",
        "request form link sent",
        "checked the group membership",
        "access needed by Friday",
        "data owner must approve",
    ),
    "service": (
        "customer quoted the earlier reference",
        "apologised on behalf of the desk",
        "checked the earlier call's timeline",
        "customer wants a named person to own it",
        "agreed the steps to put it right",
    ),
}

RESOLUTIONS: dict[str, tuple[str, ...]] = {
    "accounts": (
        "Unlocked the account and confirmed the customer can sign in",
        "Reset the password; customer set a new one while on the call",
        "Re-registered the authenticator app on the new phone",
        "Re-enabled the account after the manager's approval",
        "Cleared cached credentials; single sign-on works again",
        "Created the missing account and sent the first-login details",
    ),
    "hardware": (
        "Reseated the power cable; the laptop starts normally",
        "Cleared the print queue and restarted the spooler",
        "Replaced the display cable; the monitor shows a picture",
        "Arranged a replacement keyboard from stock",
        "Updated the docking station firmware",
        "Freed disk space and stopped the start-up programs; the computer is responsive",
        "Booked an engineer visit and swapped the faulty unit",
    ),
    "network": (
        "Updated the VPN client; the connection holds",
        "Moved the customer to the 5 GHz network; no more drops",
        "Re-patched the desk port; the link is up",
        "Reset the network settings and renewed the address",
        "Network team fixed the faulty access point",
        "Flushed the DNS cache; the intranet loads",
    ),
    "email": (
        "Archived old mail; the mailbox is under quota",
        "Removed the rule moving mail; messages arrive in the inbox",
        "Re-created the mail profile; Outlook no longer asks for the password",
        "Re-added the shared mailbox",
        "Re-added the account on the phone; calendar syncs again",
        "Released the message from quarantine and whitelisted the sender",
    ),
    "software": (
        "Repaired the installation; the application no longer crashes",
        "Installed the requested software from the approved catalogue",
        "Re-enabled the macro add-in after the update",
        "Assigned a licence seat to the customer",
        "Cleared the application cache and reset the settings",
        "Applied the vendor's hot fix",
    ),
    "access": (
        "Added the customer to the access group after approval",
        "Granted read-only access as requested",
        "Created temporary VPN access until the end of the contract",
        "Restored the access removed in error",
        "Delegated mailbox access for the leave period",
    ),
    "service": (
        "Apologised, explained what went wrong and arranged the promised call-back",
        "Delivered the replacement and confirmed it works",
        "Explained the recharge and credited the repair",
        "Agreed a named owner and a date; customer satisfied",
        "Reviewed the earlier call with the team leader; apology accepted",
    ),
}

INSTRUCTIONS: dict[str, tuple[str, ...]] = {
    "accounts": (
        "Choose a password of at least 12 characters; do not reuse old ones",
        "If locked out again, wait 15 minutes before retrying",
        "Keep the authenticator backup codes somewhere safe",
        "",
    ),
    "hardware": (
        "Keep drinks away from the keyboard",
        "Shut down fully at the end of the day once a week",
        "Call back if the fault returns, quoting the reference",
        "Leave the device switched on for the engineer",
        "",
    ),
    "network": (
        "Restart the VPN client if it drops, then call us",
        "Use the staff network, not the guest one",
        "Report any further drops with the time they happened",
        "",
    ),
    "email": (
        "Archive old mail monthly to stay under quota",
        "Do not reply to suspicious e-mails; forward them to security",
        "Remove and re-add the account if syncing stops again",
        "",
    ),
    "software": (
        "Save work before running the export",
        "Install updates when prompted on Friday afternoons",
        "Request new software through the catalogue next time",
        "",
    ),
    "access": (
        "Ask your manager to approve future requests through the portal",
        "Access expires at the end of the contract; ask to extend it",
        "",
    ),
    "service": (
        "Call the desk and quote the reference if anything goes wrong again",
        "The team leader will call on Friday to check all is well",
        "",
    ),
}

# --- Shared texts.

SATISFACTION_COMMENTS: tuple[str, ...] = (
    "", "", "", "", "", "", "",
    "Quick and friendly, thank you",
    "Sorted first time",
    "Took a while but got there",
    "Very patient with me",
    "Would have liked a call-back sooner",
    "Great service as always",
    "Explained everything clearly",
    "Not happy it took three calls",
)

CALLBACK_PREFERENCES: tuple[str, ...] = (
    "after 2pm", "mornings only", "before 10am", "on the mobile, not the desk phone",
    "Tuesday or Thursday", "any time today", "lunchtime", "after the 3pm meeting",
)

TIME_TO_FIX: tuple[str, ...] = (
    "1 hour", "same day", "4 business hours", "1 business day", "2 business days", "3 business days",
    "end of the week", "per contract", "by tomorrow morning", "",
)

HANDOFF_STEPS: tuple[str, ...] = (
    "Tried a restart and a reset of the settings.",
    "Checked the account and the group membership.",
    "Reproduced the fault on the call.",
    "Customer has already rebooted and reconnected.",
    "Remote session done; logs attached.",
    "Knowledge article followed, no change.",
    "Vendor error code noted in the notes.",
    "Several colleagues report the same.",
)

PROMISE_DESCRIPTIONS: tuple[str, ...] = (
    "Ring back with an update",
    "Call back once the engineer has been",
    "Confirm the fix has held",
    "Chase the supplier and report back",
    "Call at 3.05 as agreed",
    "Send the instructions by e-mail",
    "Check the replacement has arrived",
    "Update the customer on the approval",
)

CALLBACK_DESCRIPTIONS: tuple[str, ...] = (
    "Call back instead of a long hold",
    "Call-back offered: caller could not wait",
    "Customer asked to be called back",
)

FOLLOW_UP_DESCRIPTION = "Relationship follow-up call: check all is still well"

OUTCOME_NOTES: dict[str, tuple[str, ...]] = {
    "kept_on_time": ("", "", "Called as promised", "Update given", "Customer happy with progress"),
    "kept_late": ("Called later than promised; apologised", "Delayed by another call", "Ran late; customer understanding"),
    "missed": ("Customer not reached", "Forgot to call; customer rang in", "Off sick; not handed over"),
    "rescheduled": ("Customer asked for tomorrow instead", "Engineer delayed", "Supplier pushed the date"),
    "cancelled": ("No longer needed: fixed by the customer", "Call closed"),
}

CONTACT_NOTES: tuple[str, ...] = (
    "Customer rang for an update",
    "Rang the customer with progress",
    "Left a voicemail with the update",
    "Customer chasing: told the receiver is working on it",
    "Passed on the time to fix from the receiver",
)

AGREEMENT_NOTES: tuple[str, ...] = ("", "", "", "Customer confirmed it works", "Agreed by e-mail")

DECLINE_NOTES: tuple[str, ...] = (
    "Wants to test it tomorrow first",
    "Not sure it is fixed yet",
    "Will confirm after the weekend",
    "Needs to check with the team",
)

REOPEN_REASONS: tuple[str, ...] = (
    "Fault came back the next day",
    "Customer says the fix did not hold",
    "Closed by mistake",
    "Same problem on the second device",
)

SLA_PAUSE_REASONS: tuple[str, ...] = (
    "Waiting for the customer to send a screenshot",
    "Customer away until Monday",
    "Waiting for the manager's approval",
    "Customer to try it at home tonight",
)

SLA_RESUME_NOTES: tuple[str, ...] = ("", "Screenshot received", "Customer back", "Approval received")

SKIPPED_STEPS: tuple[str, ...] = ("confirm_name", "ask_urgency", "read_questions", "offer_article")

COMPLAINT_STEPS: tuple[str, ...] = (
    "Apologise, name an owner and call back by Friday",
    "Team leader to review the earlier calls and reply in writing",
    "Replace the device and confirm delivery by phone",
    "Refund the recharge and confirm by e-mail",
)

PREVENTION_NOTES: tuple[str, ...] = (
    "Call-backs now set as promises with reminders",
    "Team briefed on agreement before closing calls",
    "Stock level for replacement phones raised",
    "Engineer visits confirmed the day before",
    "Hold times reviewed weekly",
)

TRANSFER_NOTES: tuple[str, ...] = (
    "Caller swore repeatedly after two warnings; manager briefed",
    "Threatening language; transferred as the protocol says",
)

DISCONNECT_NOTES: tuple[str, ...] = (
    "Abuse continued after both warnings; call ended, manager informed",
    "Caller shouted over every answer; ended the call",
)

ABUSE_REMARKS: tuple[str, ...] = ("", "Raised voice", "Swearing", "Personal insults")

MANAGERS: tuple[str, ...] = ("Help desk manager", "Duty manager", "Team leader on duty")

PRONUNCIATIONS: dict[str, str] = {
    "Siobhán": "shi-VAWN", "Niamh": "NEEV", "Aoife": "EE-fa", "Róisín": "roh-SHEEN", "Ciarán": "KEER-awn",
    "Seán": "SHAWN", "Eilidh": "AY-lee", "Dafydd": "DAV-ith", "Catrin": "KAT-rin", "Søren": "SUR-en",
    "Åsa": "OH-sa", "Łukasz": "WOO-kash", "Małgorzata": "mow-go-ZHA-ta", "Jiří": "YIR-zhee",
    "Oluwaseun": "oh-loo-WAH-shay-oon", "Ngozi": "n-GOH-zee", "Xiu": "SHEE-oh", "Eszter": "ES-ter",
    "Ioana": "yo-AH-na", "Aroha": "AH-ro-ha", "Cadwaladr": "kad-WAL-ad-er", "Llewellyn": "hloo-EL-in",
    "Ní Bhriain": "nee VREE-an", "Ó Briain": "oh BREE-an", "Nguyễn": "nwen", "Dvořák": "DVOR-zhahk",
}

CUSTOMER_NOTES: tuple[str, ...] = (
    "Prefers e-mail to phone calls",
    "Hard of hearing: speak clearly and slowly",
    "Works nights: call after 2pm",
    "Interpreter sometimes needed (Polish)",
    "Part-time: Monday to Wednesday",
    "Key contact for the whole site",
)
