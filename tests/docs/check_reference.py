#!/usr/bin/env python3
"""docs/reference.md names every public name of etgrad's headers.

A public name is declared in namespace etgrad or a namespace inside it other than `detail`:
types, functions, variables, concepts, enumerators, namespaces and the public members of public
classes. Each must appear in the reference as `name` (in backquotes, possibly qualified or
followed by its arguments: `Tensor::item()`, `value_and_grad(f, ...)`).

    check_reference.py INCLUDE_DIR REFERENCE_MD
"""
import os
import re
import sys

IDENT = re.compile(r"[A-Za-z_]\w*")
KEYWORDS = {
    "const", "constexpr", "consteval", "inline", "static", "auto", "void", "bool", "int", "double", "char", "float",
    "explicit", "noexcept", "friend", "virtual", "typename", "class", "struct", "template", "requires", "return",
    "operator", "using", "namespace", "enum", "unsigned", "long", "short", "signed", "default", "delete", "this",
    "decltype", "sizeof", "true", "false", "nullptr", "if", "else", "for", "while", "do", "switch", "case",
    "thread_local", "mutable", "volatile", "public", "private", "protected", "concept", "std", "size_t",
}


def strip(text):
    """The text without comments, string and character literals (kept as empty quotes)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif text.startswith("/*", i):
            i = text.find("*/", i) + 2
        elif c == '"' or (c == "'" and not (i > 0 and (text[i - 1].isalnum()))):
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
        elif c == "#":  # preprocessor line (and its continuations)
            while i < n and text[i] != "\n":
                i = i + 2 if text.startswith("\\\n", i) else i + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def skip_template_head(s):
    """s without leading `template <...>` heads and requires-clauses."""
    s = s.strip()
    while True:
        if s.startswith("template"):
            depth, i = 0, s.index("<")
            for j in range(i, len(s)):
                depth += {"<": 1, ">": -1}.get(s[j], 0)
                if depth == 0:
                    s = s[j + 1:].strip()
                    break
            continue
        if s.startswith("requires"):
            s = s[len("requires"):].strip()
            if s.startswith("("):
                depth = 0
                for j, ch in enumerate(s):
                    depth += {"(": 1, ")": -1}.get(ch, 0)
                    if depth == 0:
                        s = s[j + 1:].strip()
                        break
            else:  # a conjunction of concept-ids: up to the declaration's first keyword
                m = re.search(r"\b(constexpr|inline|auto|static|consteval|struct|class)\b", s)
                s = s[m.start():] if m else s
            continue
        return s


def declared_name(stmt):
    """The name a declaration statement declares (None for what declares no public name)."""
    s = skip_template_head(stmt)
    if not s or s.startswith(("static_assert", "using namespace", "friend", "return", "public", "private")):
        return None
    m = re.match(r"(?:struct|class|union)\s+(\w+)", s)
    if m:
        return m.group(1)
    m = re.match(r"enum\s+(?:class\s+)?(\w+)", s)
    if m:
        return m.group(1)
    m = re.match(r"concept\s+(\w+)", s)
    if m:
        return m.group(1)
    m = re.match(r"using\s+(\w+)\s*=", s)
    if m:
        return m.group(1)
    if s.startswith("using "):
        return None
    m = re.search(r'operator\s*""\s*(\w+)', s)
    if m:
        return m.group(1)
    if "operator" in s.split("(")[0]:
        return None
    # a function: the identifier before the first '(' (not a qualified member definition)
    head = re.split(r"[=;{]", s)[0]
    if "(" in head:
        before = head[: head.index("(")].rstrip()
        m = re.search(r"([\w:~]+)$", before)
        if not m or "::" in m.group(1) or m.group(1).startswith("~"):
            return None
        name = m.group(1)
        return None if name in KEYWORDS else name
    # a variable: the identifier before '{', '=', '[' or the end
    m = re.search(r"(\w+)\s*(?:\[[^\]]*\])?\s*(?:\{[^}]*\}|=.*)?\s*$", re.split(r"(?<![=!<>])=(?!=)", s)[0] if "=" in s else s)
    if m:
        name = m.group(1)
        return None if name in KEYWORDS else name
    return None


def public_names(path):
    text = strip(open(path, encoding="utf-8").read())
    names = set()
    # scopes: ("ns", public?) or ("class", public?, access_public?) or ("block",)
    scopes = []
    stmt = []
    i, n = 0, len(text)

    def public_here():
        ok = any(s[0] == "ns" for s in scopes)
        for s in scopes:
            if s[0] == "ns" and not s[1]:
                return False
            if s[0] == "block":
                return False
            if s[0] == "class" and not (s[1] and s[2]):
                return False
        return ok

    while i < n:
        c = text[i]
        if c == "{":
            head = "".join(stmt).strip()
            m = re.match(r"(?:inline\s+)?namespace\s*([\w:]*)\s*$", head)
            if m:
                parts = m.group(1).split("::") if m.group(1) else [""]
                for p in parts:
                    public = p not in ("detail",) and (p != "" or True)
                    if p and p not in ("etgrad", "detail", "literals") and public_here():
                        names.add(p)
                    scopes.append(("ns", public and p != "detail" and not (p == "" and not scopes)))
                scopes[-1] = scopes[-1] + (len(parts),)
            else:
                body = skip_template_head(head)
                cls = re.match(r"(struct|class|union|enum)\b", body)
                if cls:
                    nm = declared_name(head)
                    if nm and public_here():
                        names.add(nm)
                    is_public = public_here()
                    scopes.append(("class", is_public, cls.group(1) != "class", cls.group(1) == "enum"))
                else:
                    nm = declared_name(head)
                    if nm and public_here() and head:
                        names.add(nm)
                    # a function body, an initialiser or a lambda: skip to its matching brace
                    depth, j = 0, i
                    while j < n:
                        depth += {"{": 1, "}": -1}.get(text[j], 0)
                        if depth == 0:
                            break
                        j += 1
                    i = j + 1
                    rest = text[i:].lstrip()
                    is_function = "operator" in head or re.search(r"\)[^()]*$", head) and not re.search(r"=\s*\[", head)
                    if not is_function and not rest.startswith("}"):
                        stmt = [head, "{}"]  # `T x{...};`, `T x = {...};`: the statement goes on
                    else:
                        stmt = []
                    continue
            stmt = []
        elif c == "}":
            if scopes:
                top = scopes.pop()
                if top[0] == "ns" and len(top) > 2:
                    for _ in range(top[2] - 1):
                        scopes.pop()
            stmt = []
        elif c == ";":
            head = "".join(stmt).strip()
            nm = declared_name(head)
            if nm and public_here():
                names.add(nm)
            stmt = []
        elif c == ":" and scopes and scopes[-1][0] == "class":
            head = "".join(stmt).strip()
            if head in ("public", "private", "protected"):
                top = scopes[-1]
                scopes[-1] = (top[0], top[1], head == "public", top[3])
                stmt = []
            else:
                stmt.append(c)
        elif c == "," and scopes and scopes[-1][0] == "class" and scopes[-1][3]:
            nm = "".join(stmt).strip().split("=")[0].strip()
            if nm and public_here():
                names.add(nm)
            stmt = []
        else:
            stmt.append(c)
        i += 1
    return names


def main():
    include, reference = sys.argv[1], sys.argv[2]
    names = set()
    for root, _, files in os.walk(include):
        for f in files:
            if f.endswith(".hpp"):
                names |= public_names(os.path.join(root, f))
    doc = open(reference, encoding="utf-8").read()
    quoted = set()
    for _, code in re.findall(r"(`+)(.+?)\1", doc, re.S):
        quoted |= set(IDENT.findall(code))
    names = {n for n in names if not re.fullmatch(r"[A-Z0-9_]+", n)}  # macros: ETGRAD_..., #undef'd
    missing = sorted(n for n in names if n not in quoted)
    for n in missing:
        print(f"not in {os.path.basename(reference)}: {n}")
    print(f"{len(names) - len(missing)} passed, {len(missing)} failed")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
