"""Replies to anonymous sources: the organisation answers a report without knowing who sent it.

Everything a reply needs is derived from the receipt code the source already holds
(mailbox.py): a mailbox id that names the reply file on the server, and a post-quantum age
identity that opens it. The server stores no code, no link between a code and a case, and
nothing that opens a reply; the staff desk derives the same two values from the receipt inside
the encrypted report.

    desk (offline)                      server                       source (browser, no JS)
    intake reply / status  ─┐
    intake replies export  ─┴─ batch ─▶ intake deliver ─▶ replies/<mailbox id>.age ◀─ messages page:
                                         (verified, placed whole)   derives mailbox + identity from the
                                                                    code, in memory; reads, answers, deletes

content.py is the plaintext of a mailbox file, batch.py the delivery batch, store.py the
server's replies folder with its delivery notes, listing.py what `collect` brings back (the
mailboxes still there and the notes), from which the desk learns what was delivered and read.
docs/operations.md describes the workflow and what a server can learn.
"""
