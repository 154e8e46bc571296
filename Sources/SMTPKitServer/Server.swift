import SMTPKit
