#!/usr/bin/env python3
"""A real SMTP server for the delivery tests (aiosmtpd), standing in for the
mail relay a deployment sends through.

Every accepted message is written to OUT/NNNNNN.json (decoded From, To,
Subject, Message-ID, body, and whether the session was under TLS), so a test
can read what arrived. Recipients steer the answers:

  reject...@  -> 550 at RCPT (a permanent refusal)
  busy...@    -> 451 at RCPT the first --busy-times times per address, then accepted
  slow...@    -> the message is kept (recorded) at once, but the 250 after its
                 final dot comes only --slow-secs later: a client that gives up
                 first cannot know the server has it

  --port P            listen on 127.0.0.1:P (0: any free port)
  --tls-cert/--tls-key  offer STARTTLS with this certificate (PEM)
  --auth USER:PASS    require AUTH (PLAIN/LOGIN) with these credentials

Prints "ready PORT" on stdout once it accepts connections; runs until killed.
"""

import argparse
import asyncio
import email
import email.policy
import json
import os
import ssl
import sys

try:
    from aiosmtpd.smtp import SMTP, AuthResult
except ImportError:
    print("aiosmtpd is missing: run scripts/setup.sh (python3 -m pip install aiosmtpd)", file=sys.stderr)
    sys.exit(3)


class Recorder:
    def __init__(self, out, busy_times, slow_secs):
        self.out = out
        self.busy_times = busy_times
        self.slow_secs = slow_secs
        self.busy_seen = {}
        self.seq = len(os.listdir(out))

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("reject"):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if local.startswith("busy"):
            seen = self.busy_seen.get(address, 0)
            if seen < self.busy_times:
                self.busy_seen[address] = seen + 1
                return "451 4.3.0 <%s>: Mailbox busy, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        body = msg.get_body(preferencelist=("plain",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(msg["From"]),
            "to": str(msg["To"]),
            "subject": str(msg["Subject"]),
            "message_id": str(msg["Message-ID"]),
            "content_type": msg.get_content_type(),
            "body": body.get_content() if body is not None else "",
            "tls": session.ssl is not None,
            "authenticated": bool(session.authenticated),
        }
        self.seq += 1
        path = os.path.join(self.out, "%06d.json" % self.seq)
        # Written whole, then renamed: a reader never sees half a message.
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.replace(path + ".tmp", path)
        if any(r.split("@", 1)[0].lower().startswith("slow") for r in envelope.rcpt_tos):
            await asyncio.sleep(self.slow_secs)
        return "250 2.0.0 Message accepted for delivery"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--out", required=True)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--auth")
    p.add_argument("--busy-times", type=int, default=2)
    p.add_argument("--slow-secs", type=float, default=5.0)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    handler = Recorder(a.out, a.busy_times, a.slow_secs)

    tls = None
    if a.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(a.tls_cert, a.tls_key)

    kwargs = {}
    if a.auth:
        user, password = a.auth.split(":", 1)

        def check(server, session, envelope, mechanism, auth_data):
            ok = auth_data.login.decode() == user and auth_data.password.decode() == password
            return AuthResult(success=ok)

        # AUTH only under TLS when TLS is offered (aiosmtpd's default).
        kwargs.update(authenticator=check, auth_required=True, auth_require_tls=tls is not None)

    def factory():
        return SMTP(handler, hostname="smtp.test", tls_context=tls, require_starttls=False, **kwargs)

    async def serve():
        server = await asyncio.get_running_loop().create_server(factory, "127.0.0.1", a.port)
        print("ready %d" % server.sockets[0].getsockname()[1], flush=True)
        async with server:
            await server.serve_forever()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
