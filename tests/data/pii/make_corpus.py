#!/usr/bin/env python3
"""Writes corpus.tsv: labelled examples for the PII guard (src/pii.c).

One example a line, KIND<TAB>text. KIND is nhs, chi, dob, postcode, mrn,
email, phone for a line holding one identifier of that kind, or NONE for
ordinary clinical prose that holds none. The numbers are generated with
the modulus-11 check digit (DOMAIN.md); the prose is written by hand.
Deterministic: run it again and the file is the same."""
import random

rnd = random.Random(6)


def check(d9):
    s = sum(int(c) * (10 - i) for i, c in enumerate(d9))
    c = 11 - s % 11
    return None if c == 10 else (0 if c == 11 else c)


def valid(prefix_lo, prefix_hi):
    while True:
        d9 = str(rnd.randint(prefix_lo, prefix_hi)).zfill(9)
        c = check(d9)
        if c is not None:
            return d9 + str(c)


def invalid(lo, hi):
    while True:
        d10 = str(rnd.randint(lo, hi)).zfill(10)
        if check(d10[:9]) != int(d10[9]):
            return d10


def spell(n, how):
    if how == 0:
        return n
    sep = " " if how == 1 else "-"
    return n[:3] + sep + n[3:6] + sep + n[6:]


lines = []
nhs_ctx = ["NHS number {}", "Patient's NHS no. {} was on the wrong wristband",
           "the patient ({}) was readmitted", "HCN {} in the letter",
           "checked the number {} twice", "{} was written on the form",
           "Label printed with {} by mistake", "see {}"]
ranges = [(400000000, 499999999), (600000000, 799999999),
          (320000001, 399999999), (999000000, 999999999)]
for k in range(64):
    lo, hi = ranges[k % 4]
    n = valid(lo, hi)
    lines.append(("nhs", nhs_ctx[k % len(nhs_ctx)].format(spell(n, k % 3))))
for k in range(8):  # valid numbers outside the ranges, with context
    n = valid(100000000, 299999999)
    d = n
    if 1 <= int(d[:2]) <= 28 and 1 <= int(d[2:4]) <= 12:
        continue  # would read as a CHI number
    lines.append(("nhs", "NHS number " + spell(n, k % 3)))

chi_ctx = ["CHI {}", "CHI number {} on the referral", "{} was on the drug chart",
           "his CHI was {}", "the wristband said {}"]
k = 0
while k < 32:
    day, mon, yy = rnd.randint(1, 28), rnd.randint(1, 12), rnd.randint(0, 99)
    d9 = "%02d%02d%02d%03d" % (day, mon, yy, rnd.randint(0, 999))
    c = check(d9)
    if c is None:
        continue
    lines.append(("chi", chi_ctx[k % len(chi_ctx)].format(d9 + str(c))))
    k += 1

months = ["January", "Feb", "March", "Apr", "May", "June", "Jul", "August",
          "Sept", "October", "Nov", "December"]
dob_ctx = ["DOB {}", "D.O.B. {}", "date of birth: {}", "born on {}",
           "Mrs X (DOB {}) fell", "baby born {} at 32 weeks",
           "Date of Birth {}"]
for k in range(24):
    d, m, y = rnd.randint(1, 28), rnd.randint(1, 12), rnd.randint(1930, 2020)
    forms = ["%02d/%02d/%d" % (d, m, y), "%d-%d-%02d" % (d, m, y % 100),
             "%d %s %d" % (d, months[m - 1], y), "%s %d, %d" % (months[m - 1], d, y),
             "%d.%d.%d" % (d, m, y), "%d-%02d-%02d" % (y, m, d)]
    lines.append(("dob", dob_ctx[k % len(dob_ctx)].format(forms[k % len(forms)])))

pcs = ["SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX",
       "EC1A 1BB", "LS1 4AP", "G2 3DX", "EH1 1YZ", "CF10 3NQ", "BT7 1NN",
       "m1 1ae", "ls2 9jt", "NE1 7RU", "PL4 6AB", "OX3 9DU", "L69 3BX",
       "SW1A1AA", "BS2 8HW", "N1 9GU", "E1 6AN"]
pc_ctx = ["lives at 4 High Street, {}", "home address postcode {}",
          "Discharged to {} without a care package", "{}"]
for k, p in enumerate(pcs):
    lines.append(("postcode", pc_ctx[k % len(pc_ctx)].format(p)))

mrn_ctx = ["MRN {}", "MRN: {}", "hospital number {}", "hosp no {}",
           "record number {} was duplicated", "unit number {}",
           "Hospital No. {}"]
for k in range(22):
    tok = rnd.choice(["", "RX", "A", "K", "M"]) + str(rnd.randint(10 ** 5, 10 ** 8))
    lines.append(("mrn", mrn_ctx[k % len(mrn_ctx)].format(tok)))

emails = ["jane.smith@nhs.net", "j.bloggs@example.org", "patient123@gmail.com",
          "ward7.sister@trust.nhs.uk", "a_b-c@mail.example.co.uk",
          "Mr.X@hotmail.co.uk", "bob+notes@example.com", "carer@family.org",
          "x@y.io", "first.last@hospital.scot.nhs.uk"]
em_ctx = ["email {}", "his daughter ({}) called", "contact {} for the notes",
          "<{}>"]
for k in range(20):
    lines.append(("email", em_ctx[k % len(em_ctx)].format(emails[k % len(emails)])))

phones = ["07700 900123", "07700900456", "+44 7700 900789", "+447700900321",
          "0161 496 0000", "020 7946 0000", "0117 496 0123", "(0161) 496 0456",
          "01632 960123", "+44 (0)20 7946 0111", "0300 123 4567",
          "07700-900-999", "028 9018 0000", "0131 496 0999"]
ph_ctx = ["call her on {}", "mobile {}", "family contact: {}", "{}"]
for k in range(22):
    lines.append(("phone", ph_ctx[k % len(ph_ctx)].format(phones[k % len(phones)])))

negs = open(__file__.replace("make_corpus.py", "negatives.txt")).read().split("\n")
negs = [n for n in negs if n.strip() and not n.startswith("#")]
for k in range(20):  # order and batch numbers: 10 digits, check fails
    n = invalid(1000000000, 9999999999)
    negs.append(rnd.choice(["Order {} for the pumps", "batch {} recalled",
                            "invoice {} paid", "lot {}", "ref {} in Datix"]).format(spell(n, k % 3)))
for k in range(8):  # valid check digit, out of range, no context, not a date
    while True:
        n = valid(100000000, 299999999)
        if int(n[:2]) > 31 or int(n[2:4]) > 12 or n[2:4] == "00":
            break
    negs.append("Datix ref " + n + " closed")
for n in negs:
    lines.append(("NONE", n))

with open(__file__.replace("make_corpus.py", "corpus.tsv"), "w") as f:
    f.write("# Written by make_corpus.py: KIND<TAB>text, see there.\n")
    for kind, text in lines:
        f.write(kind + "\t" + text + "\n")
