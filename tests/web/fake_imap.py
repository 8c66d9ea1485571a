"""A tiny IMAP4rev1 server for tests, speaking just what imaplib's client needs to read a mailbox: CAPABILITY,
LOGIN, SELECT, UID SEARCH (ALL / UNSEEN), UID FETCH of the whole message, UID STORE of flags, NOOP, LOGOUT."""
import re
import socketserver
import threading
from dataclasses import dataclass, field

_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\S+)')


@dataclass
class Mail:
    uid: int
    raw: bytes
    flags: set = field(default_factory=set)


class Mailbox:
    def __init__(self, user="replies", password="pa55"):  # noqa: S107 - a test mailbox
        self.user, self.password = user, password
        self.mails: list[Mail] = []
        self.commands: list[str] = []
        self.lock = threading.Lock()

    def add(self, raw: bytes) -> int:
        with self.lock:
            uid = (self.mails[-1].uid if self.mails else 100) + 1
            self.mails.append(Mail(uid, raw))
            return uid

    def seen(self) -> list[int]:
        return [mail.uid for mail in self.mails if "\\Seen" in mail.flags]


def _words(text: str) -> list[str]:
    return [quoted.replace('\\"', '"').replace("\\\\", "\\") if quoted or plain == "" else plain
            for quoted, plain in _TOKEN.findall(text)]


class _Session(socketserver.StreamRequestHandler):
    def send(self, text: str | bytes) -> None:
        self.wfile.write(text.encode() if isinstance(text, str) else text)

    def handle(self):
        box: Mailbox = self.server.mailbox
        self.send("* OK [CAPABILITY IMAP4rev1] fake IMAP ready\r\n")
        authed = selected = False
        while line := self.rfile.readline():
            words = _words(line.decode("utf-8", "replace").rstrip("\r\n"))
            if len(words) < 2:
                self.send("* BAD no command\r\n")
                continue
            tag, command, args = words[0], words[1].upper(), words[2:]
            box.commands.append(" ".join([command, *args[:1]]) if command != "LOGIN" else "LOGIN")
            if command == "CAPABILITY":
                self.send(f"* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n")
            elif command == "NOOP":
                self.send(f"{tag} OK done\r\n")
            elif command == "LOGOUT":
                self.send(f"* BYE see you\r\n{tag} OK done\r\n")
                return
            elif command == "LOGIN":
                authed = args[:2] == [box.user, box.password]
                self.send(f"{tag} OK logged in\r\n" if authed else f"{tag} NO [AUTHENTICATIONFAILED] no\r\n")
            elif not authed:
                self.send(f"{tag} BAD log in first\r\n")
            elif command in ("SELECT", "EXAMINE"):
                selected = bool(args) and args[0].upper() == "INBOX"
                if selected:
                    self.send(f"* {len(box.mails)} EXISTS\r\n* 0 RECENT\r\n* FLAGS (\\Seen)\r\n"
                              f"* OK [UIDVALIDITY 7] ok\r\n{tag} OK [READ-WRITE] selected\r\n")
                else:
                    self.send(f"{tag} NO no such folder\r\n")
            elif command == "UID" and selected and args:
                self.uid(tag, args[0].upper(), args[1:], box)
            else:
                self.send(f"{tag} BAD not understood\r\n")

    def uid(self, tag, command, args, box: Mailbox):
        with box.lock:
            mails = list(enumerate(box.mails, 1))
        if command == "SEARCH":
            unseen = "UNSEEN" in (arg.upper() for arg in args)
            uids = [str(mail.uid) for _seq, mail in mails if not unseen or "\\Seen" not in mail.flags]
            self.send(f"* SEARCH {' '.join(uids)}\r\n{tag} OK done\r\n")
            return
        wanted = {int(part) for part in args[0].split(",") if part.isdigit()} if args else set()
        for seq, mail in mails:
            if mail.uid not in wanted:
                continue
            if command == "FETCH":
                self.send(f"* {seq} FETCH (UID {mail.uid} BODY[] {{{len(mail.raw)}}}\r\n".encode() + mail.raw
                          + b")\r\n")
            elif command == "STORE" and len(args) >= 3:
                flags = {flag.strip("()") for flag in args[2:]}
                mail.flags = mail.flags | flags if args[1].upper().startswith("+") else (
                    mail.flags - flags if args[1].upper().startswith("-") else flags)
                self.send(f"* {seq} FETCH (UID {mail.uid} FLAGS ({' '.join(sorted(mail.flags))}))\r\n")
        self.send(f"{tag} OK done\r\n" if command in ("FETCH", "STORE") else f"{tag} BAD not understood\r\n")


class FakeImapServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, mailbox: Mailbox):
        super().__init__(("127.0.0.1", 0), _Session)
        self.mailbox = mailbox
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
