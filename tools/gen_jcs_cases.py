#!/usr/bin/env python3
"""Generate harness/record/tests/data/jcs_cases.json: RFC 8785 (JCS) test vectors.

Every expected output comes from the pinned Python `rfc8785` package (see
harness/python-requirements.txt), applied to `json.loads(input)`. The inputs are
JSON texts written here by hand or built from IEEE 754 bit patterns, so the Rust
side exercises its parser (escapes, odd whitespace, exponent spellings) as well as
its canonicalizer.

Run:  .venv/bin/python tools/gen_jcs_cases.py
The output is deterministic: fixed case order, a fixed random seed, no timestamps.

Conventions of the output file:
  - "input" is a JSON text (a string). It never contains duplicate member names:
    Python keeps the last one and the Rust side rejects them, which is tested
    elsewhere.
  - "expected_hex" is the hex of rfc8785.dumps(json.loads(input)), so control
    characters in the canonical form are unambiguous.
  - "error" is the class name of the exception Python raised instead. A JSON
    number lexeme that overflows a double (1E400) parses to inf in Python and is
    then refused by rfc8785; an integer lexeme outside +-(2^53-1) is refused by
    rfc8785 (IntegerDomainError). Both are the behaviour the suite wants.
"""

from __future__ import annotations

import json
import os
import random
import struct
import sys
from importlib.metadata import version

import rfc8785

OUT = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    "harness",
    "record",
    "tests",
    "data",
    "jcs_cases.json",
)

cases: list[dict[str, str]] = []
_names: set[str] = set()


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise AssertionError(f"duplicate member name in a case input: {keys}")
    return dict(pairs)


def add(name: str, text: str, expect: bytes | str | None = None) -> None:
    """Add one case. *expect* (bytes) asserts the rfc8785 output; (str) asserts the error class."""
    if name in _names:
        raise AssertionError(f"duplicate case name {name!r}")
    _names.add(name)
    text.encode("utf-8")  # the input itself must be valid Unicode text (no raw surrogates)
    json.loads(text, object_pairs_hook=_no_duplicates)
    value = json.loads(text)
    try:
        out = rfc8785.dumps(value)
    except Exception as exc:
        err = type(exc).__name__
        if expect is not None and expect != err:
            raise AssertionError(f"{name}: expected {expect!r}, rfc8785 raised {err}") from exc
        cases.append({"name": name, "input": text, "error": err})
        return
    if expect is not None and expect != out:
        raise AssertionError(f"{name}: expected {expect!r}, rfc8785 gave {out!r}")
    cases.append({"name": name, "input": text, "expected_hex": out.hex()})


def double(bits: int) -> float:
    return struct.unpack(">d", struct.pack(">Q", bits))[0]


# ---------------------------------------------------------------------------
# 1. RFC 8785 Appendix B: the number serialization table, from IEEE 754 bits.
#    The input lexeme is repr(float); the expected output is the RFC's.
# ---------------------------------------------------------------------------
RFC_NUMBERS = [
    (0x0000000000000000, b"0", "zero"),
    (0x8000000000000000, b"0", "minus zero"),
    (0x0000000000000001, b"5e-324", "min pos number"),
    (0x8000000000000001, b"-5e-324", "min neg number"),
    (0x7FEFFFFFFFFFFFFF, b"1.7976931348623157e+308", "max pos number"),
    (0xFFEFFFFFFFFFFFFF, b"-1.7976931348623157e+308", "max neg number"),
    (0x4340000000000000, b"9007199254740992", "max pos int (2^53) as double"),
    (0xC340000000000000, b"-9007199254740992", "max neg int (-2^53) as double"),
    (0x4430000000000000, b"295147905179352830000", "~2**68"),
    (0x44B52D02C7E14AF5, b"9.999999999999997e+22", None),
    (0x44B52D02C7E14AF6, b"1e+23", None),
    (0x44B52D02C7E14AF7, b"1.0000000000000001e+23", None),
    (0x444B1AE4D6E2EF4E, b"999999999999999700000", None),
    (0x444B1AE4D6E2EF4F, b"999999999999999900000", None),
    (0x444B1AE4D6E2EF50, b"1e+21", None),
    (0x3EB0C6F7A0B5ED8C, b"9.999999999999997e-7", None),
    (0x3EB0C6F7A0B5ED8D, b"0.000001", None),
    (0x41B3DE4355555553, b"333333333.3333332", None),
    (0x41B3DE4355555554, b"333333333.33333325", None),
    (0x41B3DE4355555555, b"333333333.3333333", None),
    (0x41B3DE4355555556, b"333333333.3333334", None),
    (0x41B3DE4355555557, b"333333333.33333343", None),
    (0xBECBF647612F3696, b"-0.0000033333333333333333", None),
    (0x43143FF3C1CB0959, b"1424953923781206.2", "round to even"),
]
# The table's NaN (7fffffffffffffff) and Infinity (7ff0000000000000) rows have no
# JSON lexeme at all; the nearest JSON-grammar cases are the 1E400 overflows below.
for bits, expected, note in RFC_NUMBERS:
    f = double(bits)
    lexeme = repr(f)
    label = f"rfc8785 appendix B {bits:016x}" + (f" ({note})" if note else "")
    add(label, lexeme, expected)

# The same table again, each value inside an array with a non-canonical spelling
# (17 significant digits, upper-case exponent) that parses to the same double.
add(
    "rfc8785 appendix B values, 17-digit spellings in one array",
    "[" + ", ".join(format(double(b), ".17E") for b, _, _ in RFC_NUMBERS) + "]",
    b"[" + b",".join(e for _, e, _ in RFC_NUMBERS) + b"]",
)

# ---------------------------------------------------------------------------
# 2. RFC 8785 section 3.2.2 / 3.2.3 and Appendix E examples.
# ---------------------------------------------------------------------------
add(
    "rfc8785 3.2.2 sample input",
    '{\n  "numbers": [333333333.33333329, 1E30, 4.50,\n              2e-3, 0.000000000000000000000000001],\n'
    '  "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n'
    '  "literals": [null, true, false]\n}',
    '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
    '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'.encode("utf-8"),
)
add(
    "rfc8785 3.2.3 sorting example",
    '{\n   "\\u20ac": "Euro Sign",\n   "\\r": "Carriage Return",\n'
    '   "\\ufb33": "Hebrew Letter Dalet With Dagesh",\n   "1": "One",\n'
    '   "\\ud83d\\ude00": "Emoji: Grinning Face",\n   "\\u0080": "Control",\n'
    '   "\\u00f6": "Latin Small Letter O With Diaeresis"\n}',
    (
        '{"\\r":"Carriage Return","1":"One","\u0080":"Control",'
        '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",'
        '"\U0001f600":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}'
    ).encode("utf-8"),
)
add(
    "rfc8785 appendix E complex structure",
    '{\n  "1": {"f": {"f": "hi","F": 5} ,"\\n": 56.0},\n  "10": { },\n  "": "empty",\n'
    '  "a": { },\n  "111": [ {"e": "yes","E": "no" } ],\n  "A": { }\n}',
    b'{"":"empty","1":{"\\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{"E":"no","e":"yes"}],"A":{},"a":{}}',
)

# ---------------------------------------------------------------------------
# 3. Hand-picked numbers: exponent boundaries, spellings, overflow, integers.
# ---------------------------------------------------------------------------
NUMBERS: list[tuple[str, str, bytes | str | None]] = [
    ("1e21 float", "1e21", b"1e+21"),
    ("1e+21 float", "1e+21", b"1e+21"),
    ("1E21 upper-case exponent", "1E21", b"1e+21"),
    ("1e20 float (last plain form)", "1e20", b"100000000000000000000"),
    ("1e+20 float", "1e+20", b"100000000000000000000"),
    ("1e-7 (first exponent form)", "1e-7", b"1e-7"),
    ("1e-6 (last plain form)", "1e-6", b"0.000001"),
    ("0.000001 plain", "0.000001", b"0.000001"),
    ("0.0000001 plain", "0.0000001", b"1e-7"),
    ("1.5e-7", "1.5e-7", b"1.5e-7"),
    ("1.5e-6", "1.5e-6", b"0.0000015"),
    ("123456789012345680000 as float lexeme", "123456789012345680000.0", b"123456789012345680000"),
    ("1.2345678901234568e20 exponent lexeme", "1.2345678901234568e20", b"123456789012345680000"),
    ("123456789012345680000 as integer lexeme (beyond 2^53)", "123456789012345680000", "IntegerDomainError"),
    ("4.5", "4.5", b"4.5"),
    ("4.50 trailing zero", "4.50", b"4.5"),
    ("2e-3", "2e-3", b"0.002"),
    ("0.1+0.2 repr", repr(0.1 + 0.2), b"0.30000000000000004"),
    ("0.1", "0.1", b"0.1"),
    ("1.0", "1.0", b"1"),
    ("1.00000 many trailing zeros", "1.00000", b"1"),
    ("-0.0", "-0.0", b"0"),
    ("-0 integer lexeme", "-0", b"0"),
    ("0e0", "0e0", b"0"),
    ("-0E-0", "-0E-0", b"0"),
    ("0.0e+5", "0.0e+5", b"0"),
    ("100.0", "100.0", b"100"),
    ("1E2", "1E2", b"100"),
    ("1e+2", "1e+2", b"100"),
    ("0.1e1", "0.1e1", b"1"),
    ("10e-1", "10e-1", b"1"),
    ("1e0", "1e0", b"1"),
    ("1e-0", "1e-0", b"1"),
    ("-1.5", "-1.5", b"-1.5"),
    ("-1e21", "-1e21", b"-1e+21"),
    ("-1e-7", "-1e-7", b"-1e-7"),
    ("-0.000001", "-0.000001", b"-0.000001"),
    ("1e308", "1e308", b"1e+308"),
    ("1e-308", "1e-308", b"1e-308"),
    ("2.2250738585072014e-308 smallest normal", "2.2250738585072014e-308", b"2.2250738585072014e-308"),
    ("2.225073858507201e-308 largest subnormal", "2.225073858507201e-308", b"2.225073858507201e-308"),
    ("4.9e-324 rounds to min subnormal", "4.9e-324", b"5e-324"),
    ("3e-324 rounds to min subnormal", "3e-324", b"5e-324"),
    ("2e-324 underflows to zero", "2e-324", b"0"),
    ("1e-400 underflows to zero", "1e-400", b"0"),
    ("-1e-400 underflows to zero", "-1e-400", b"0"),
    ("1E400 overflows to infinity", "1E400", "FloatDomainError"),
    ("-1E400 overflows to -infinity", "-1E400", "FloatDomainError"),
    ("1.7976931348623159e308 overflows", "1.7976931348623159e308", "FloatDomainError"),
    ("1.7976931348623158e308 rounds to max", "1.7976931348623158e308", b"1.7976931348623157e+308"),
    ("huge exponent 1e999999", "1e999999", "FloatDomainError"),
    ("tiny exponent 1e-999999", "1e-999999", b"0"),
    ("long mantissa 0.1000000000000000055511151231257827", "0.1000000000000000055511151231257827", b"0.1"),
    ("long integer-valued mantissa 1.00000000000000000000000000000001", "1.00000000000000000000000000000001", b"1"),
    ("exact double 0.5", "0.5", b"0.5"),
    ("1e16 float", "1e16", b"10000000000000000"),
    ("1.5e16 float", "1.5e16", b"15000000000000000"),
    ("1e15+0.5 float", "1000000000000000.5", b"1000000000000000.5"),
    ("9007199254740993.0 rounds to 2^53", "9007199254740993.0", b"9007199254740992"),
    ("5e-7", "5e-7", b"5e-7"),
    ("123e-10", "123e-10", b"1.23e-8"),
    ("0.00001234", "0.00001234", b"0.00001234"),
    ("12345678.9", "12345678.9", b"12345678.9"),
    ("1.7976931348623157e308 lexeme", "1.7976931348623157e308", b"1.7976931348623157e+308"),
    ("5e-324 lexeme", "5e-324", b"5e-324"),
    # integers: Python int, range-checked by rfc8785
    ("integer 0", "0", b"0"),
    ("integer 1", "1", b"1"),
    ("integer -1", "-1", b"-1"),
    ("integer 2^53-1", "9007199254740991", b"9007199254740991"),
    ("integer -(2^53-1)", "-9007199254740991", b"-9007199254740991"),
    ("integer 2^53", "9007199254740992", "IntegerDomainError"),
    ("integer -2^53", "-9007199254740992", "IntegerDomainError"),
    ("integer 2^53+1", "9007199254740993", "IntegerDomainError"),
    ("integer 2^63", "9223372036854775808", "IntegerDomainError"),
    ("integer 2^64", "18446744073709551616", "IntegerDomainError"),
    ("integer 10^30", "1000000000000000000000000000000", "IntegerDomainError"),
    ("integer 1785000000 (an iat)", "1785000000", b"1785000000"),
    ("integer 2^53-1 inside object", '{"iat": 9007199254740991}', b'{"iat":9007199254740991}'),
    ("integer 2^53 inside object", '{"iat": 9007199254740992}', "IntegerDomainError"),
    ("integer 2^53 as float lexeme inside object", '{"iat": 9007199254740992.0}', b'{"iat":9007199254740992}'),
    ("integer-valued float 1785000000.0", "1785000000.0", b"1785000000"),
    ("integer-valued float 1.785e9", "1.785e9", b"1785000000"),
]
for name, text, expect in NUMBERS:
    add("number: " + name, text, expect)

# ---------------------------------------------------------------------------
# 4. Pseudo-random doubles from a fixed seed.
# ---------------------------------------------------------------------------
rng = random.Random(8785)

# 4a. uniformly random bit patterns (mostly huge or tiny magnitudes)
n = 0
while n < 40:
    bits = rng.getrandbits(64)
    f = double(bits)
    if f != f or f in (float("inf"), float("-inf")):
        continue
    add(f"random bits {bits:016x}", repr(f))
    n += 1

# 4b. varied decimal magnitudes, 10^-30 .. 10^30, with random mantissas
for exp10 in range(-30, 31, 2):
    f = rng.uniform(1.0, 10.0) * (10.0**exp10)
    if rng.random() < 0.5:
        f = -f
    add(f"random magnitude 1e{exp10:+d}", repr(f))

# 4c. random doubles near the plain/exponent boundaries, spelled non-canonically
for i in range(12):
    exp10 = rng.choice([-8, -7, -6, -5, 19, 20, 21, 22])
    f = rng.uniform(1.0, 10.0) * (10.0**exp10)
    lexeme = format(f, ".17e").replace("e", rng.choice(["e", "E"]))
    add(f"random boundary 1e{exp10:+d} #{i} (17-digit spelling)", lexeme)

# 4d. random safe integers, as integer lexemes and as float lexemes
for i in range(8):
    k = rng.randrange(-(2**53 - 1), 2**53)
    add(f"random safe integer #{i}", str(k))
for i in range(4):
    k = rng.randrange(2**53, 2**60)
    add(f"random unsafe integer #{i}", str(k), "IntegerDomainError")
for i in range(4):
    k = float(rng.randrange(2**53, 2**70))
    add(f"random large integral double #{i}", repr(k))

# 4e. shortest-round-trip candidates: random short decimals
for i in range(10):
    digits = rng.randrange(1, 10 ** rng.randrange(1, 16))
    scale = rng.randrange(0, 12)
    s = str(digits)
    lexeme = (s[:-scale] or "0") + "." + s[-scale:].rjust(scale, "0") if scale else s + ".0"
    add(f"random short decimal #{i}", lexeme)

# ---------------------------------------------------------------------------
# 5. Strings.
# ---------------------------------------------------------------------------
add(
    "string: every control character U+0000..U+001F, \\u escapes",
    '"' + "".join(f"\\u{c:04x}" for c in range(0x20)) + '"',
)
add(
    "string: every control character U+0000..U+001F, upper-case \\u escapes",
    '"' + "".join(f"\\u{c:04X}" for c in range(0x20)) + '"',
)
for c in range(0x20):
    add(f"string: control U+{c:04X} alone", f'["\\u{c:04x}"]')
add("string: short escapes \\b\\f\\n\\r\\t", '"\\b\\f\\n\\r\\t"', b'"\\b\\f\\n\\r\\t"')
add("string: solidus escaped \\/", '"a\\/b"', b'"a/b"')
add("string: solidus raw /", '"a/b"', b'"a/b"')
add("string: reverse solidus", '"a\\\\b"', b'"a\\\\b"')
add("string: quotation mark", '"say \\"hi\\""', b'"say \\"hi\\""')
add("string: U+007F raw", '"\x7f"', b'"\x7f"')
add("string: U+007F escaped", '"\\u007f"', b'"\x7f"')
add("string: U+0080 escaped", '"\\u0080"', '"\u0080"'.encode())
add("string: U+2028 escaped", '"\\u2028"', '"\u2028"'.encode())
add("string: U+2029 escaped", '"\\u2029"', '"\u2029"'.encode())
add("string: U+2028 and U+2029 raw", '"a\u2028b\u2029c"', '"a\u2028b\u2029c"'.encode())
add("string: e-acute escaped", '"caf\\u00e9"', '"café"'.encode())
add("string: e-acute escaped upper-case hex", '"caf\\u00E9"', '"café"'.encode())
add("string: e-acute raw", '"café"', '"café"'.encode())
add("string: e + combining acute (no normalization)", '"cafe\\u0301"', '"cafe\u0301"'.encode())
add("string: CJK raw", '"机密"', '"机密"'.encode())
add("string: CJK escaped", '"\\u673a\\u5bc6"', '"机密"'.encode())
add("string: emoji raw (non-BMP)", '"😀"', '"😀"'.encode())
add("string: emoji as surrogate pair escapes", '"\\ud83d\\ude00"', '"😀"'.encode())
add("string: G clef as surrogate pair escapes (upper-case)", '"\\uD834\\uDD1E"', '"𝄞"'.encode())
add("string: U+10FFFF", '"\\udbff\\udfff"', '"\U0010ffff"'.encode())
add("string: U+FFFF noncharacter", '"\\uffff"', '"\uffff"'.encode())
add("string: U+FEFF BOM inside string", '"\\ufeffx"', '"\ufeffx"'.encode())
add("string: U+0000 in the middle", '"a\\u0000b"', b'"a\\u0000b"')
add("string: ASCII printable range", json.dumps("".join(chr(c) for c in range(0x20, 0x7F))))
add("string: mixed escapes", '"\\t\\u00e9\\ud83d\\ude00\\/\\"\\\\\\u001f"')
add("string: lone high surrogate in value", '"\\ud800"', "CanonicalizationError")
add("string: lone low surrogate in value", '"\\udc00"', "CanonicalizationError")
add("string: reversed surrogate pair in value", '"\\ude00\\ud83d"', "CanonicalizationError")
add("string: high surrogate then ASCII in value", '["x\\ud83dy"]', "CanonicalizationError")
add("string: lone surrogate in nested value", '{"a": {"b": ["ok", "\\udfff"]}}', "CanonicalizationError")

# ---------------------------------------------------------------------------
# 6. Object member names: UTF-16 ordering and escapes.
# ---------------------------------------------------------------------------
add(
    "keys: U+FFFD vs U+1F600 (UTF-16 puts the emoji first)",
    '{"\\ufffd": 1, "\\ud83d\\ude00": 2}',
    '{"\U0001f600":2,"\ufffd":1}'.encode(),
)
add(
    "keys: U+E000 vs U+10000 (UTF-16 puts U+10000 first)",
    '{"\ue000": "pua", "\U00010000": "linear b"}',
    '{"\U00010000":"linear b","\ue000":"pua"}'.encode(),
)
add(
    "keys: U+FF61 vs U+1D11E",
    '{"\\uff61": 1, "𝄞": 2}',
    '{"𝄞":2,"\uff61":1}'.encode(),
)
add(
    "keys: BMP, supplementary and private use mixed",
    '{"\\uffff":0,"\\ud800\\udc00":1,"\\ud7ff":2,"\\ue000":3,"\\udbff\\udfff":4,"z":5}',
)
add("keys: ASCII case (upper before lower)", '{"b":1,"B":2,"a":3,"A":4}', b'{"A":4,"B":2,"a":3,"b":1}')
add("keys: prefix sorts first", '{"abc":1,"ab":2,"a":3,"":4}', b'{"":4,"a":3,"ab":2,"abc":1}')
add("keys: digits sort as strings", '{"10":1,"9":2,"1":3,"100":4}', b'{"1":3,"10":1,"100":4,"9":2}')
add("keys: control characters", '{"\\u001f":1,"\\u0000":2,"\\n":3," ":4}', b'{"\\u0000":2,"\\n":3,"\\u001f":1," ":4}')
add("keys: escaped and raw forms of the same order", '{"\\u00e9":1,"e":2,"f":3}', '{"e":2,"f":3,"é":1}'.encode())
add("keys: non-BMP key and value", '{"😀": "𝄞"}', '{"😀":"𝄞"}'.encode())
add("keys: CJK keys", '{"机密": 1, "公开": 2}')
add("keys: key with quote and backslash", '{"a\\"b": 1, "a\\\\b": 2}', b'{"a\\"b":1,"a\\\\b":2}')
add("keys: lone high surrogate in key", '{"\\ud800": 1}', "UnicodeEncodeError")
add("keys: lone low surrogate in key", '{"ok": 1, "\\udc00": 2}', "UnicodeEncodeError")
add("keys: lone surrogate in nested key", '[{"a": {"\\udbff": null}}]', "UnicodeEncodeError")

# ---------------------------------------------------------------------------
# 7. Structure, literals, whitespace.
# ---------------------------------------------------------------------------
add("empty object", "{}", b"{}")
add("empty object with whitespace", "{ \n\t }", b"{}")
add("empty array", "[]", b"[]")
add("empty array with whitespace", "[\r\n ]", b"[]")
add("empty string", '""', b'""')
add("true", "true", b"true")
add("false", "false", b"false")
add("null", "null", b"null")
add("top-level bare string", '"trace"', b'"trace"')
add("top-level bare number", "  42.50  ", b"42.5")
add("top-level array of mixed values", '[1, "two", 3.0, true, null, {}, []]', b'[1,"two",3,true,null,{},[]]')
add(
    "whitespace in odd places",
    '\t{\n"b"\r\n:\t[ 1 ,\n2 ]\t, "a" : {"y" :null,"x":\ttrue}\r}\n ',
    b'{"a":{"x":true,"y":null},"b":[1,2]}',
)
add(
    "key sorting at every depth",
    '{"z": {"y": {"x": {"b": 1, "a": 2}, "w": [{"d": 1, "c": 2}]}, "v": 0}, "a": [{"z": {"b": 1, "a": 0}}]}',
    b'{"a":[{"z":{"a":0,"b":1}}],"z":{"v":0,"y":{"w":[{"c":2,"d":1}],"x":{"a":2,"b":1}}}}',
)
add("array order is preserved", '[3, 1, 2, "b", "a"]', b'[3,1,2,"b","a"]')
add("nested empty containers", '{"a": [[], {}, [[]], {"b": {}}]}', b'{"a":[[],{},[[]],{"b":{}}]}')
add("depth 50 arrays", "[" * 50 + "1" + "]" * 50, b"[" * 50 + b"1" + b"]" * 50)
add(
    "depth 50 objects",
    "".join(f'{{"k{i}": ' for i in range(50)) + "null" + "}" * 50,
    b"".join(f'{{"k{i}":'.encode() for i in range(50)) + b"null" + b"}" * 50,
)
add(
    "depth 50 alternating objects and arrays",
    "".join('{"a": [' for _ in range(25)) + '"leaf"' + "]}" * 25,
    b"".join(b'{"a":[' for _ in range(25)) + b'"leaf"' + b"]}" * 25,
)
add(
    "trust-record-like object",
    json.dumps(
        {
            "signature": "AAAA",
            "iat": 1782212200,
            "eat_profile": "tag:agentrust-io.com,2026:trace-v0.2",
            "cnf": {"jwk": {"x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "kty": "OKP", "crv": "Ed25519"}},
            "data_class": "confidential",
            "model": {"provider": "meta", "model_id": "llama-3.3-70b-instruct", "version": "3.3"},
            "build_provenance": {"slsa_level": 3, "digest": "sha256:" + "5e" * 32},
        },
        indent=2,
    ),
)


def main() -> int:
    doc = {
        "generator": "tools/gen_jcs_cases.py",
        "rfc8785_version": version("rfc8785"),
        "cases": cases,
    }
    text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    errors = sum(1 for c in cases if "error" in c)
    print(f"wrote {len(cases)} cases ({errors} errors) to {os.path.relpath(OUT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
