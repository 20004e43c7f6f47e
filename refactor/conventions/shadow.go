package conventions

import (
	"fmt"
	"path"
	"strings"
)

// Shadowing. Python: a module x.py beside a folder x/ holding Python files
// — a regular package x/ wins over x.py, and x.py wins over a namespace
// folder, so one of the two is unreachable. TypeScript/JavaScript: x.ts
// (.tsx, .js, .jsx) beside x/index.ts — "./x" resolves to the file, so the
// folder's index is unreachable by that specifier.

var (
	pyModExts = []string{".py"}
	tsModExts = []string{".ts", ".tsx", ".js", ".jsx", ".mts", ".mjs"}
)

// Clash is a module and a folder of the same name side by side.
type Clash struct {
	// Lang is "python" or "typescript".
	Lang string
	// File is the module file (x.py, x.ts); Dir the folder (x).
	File, Dir string
	// member is a file inside Dir that makes it a package (identity).
	member string
}

func (c Clash) String() string {
	if c.Lang == "python" {
		return fmt.Sprintf("%s and the folder %s/ are both the module %s: Python imports the package and %s becomes unreachable",
			c.File, c.Dir, strings.ReplaceAll(c.Dir, "/", "."), path.Base(c.File))
	}
	return fmt.Sprintf("%s shadows %s: a specifier naming %s resolves to the file, not the folder's index", c.File, c.member, path.Base(c.Dir))
}

func (c Clash) key(id func(string) string) string {
	return c.Lang + "|" + id(c.File) + "|" + id(c.member)
}

// findClashes returns the clashes of a tree: for every module file, a
// folder of its stem holding Python files (or an index script).
func findClashes(x *dirIndex, hasFile func(string) bool) []Clash {
	var out []Clash
	seenTS := map[string]bool{}
	for _, f := range x.files {
		ext := path.Ext(f)
		d := strings.TrimSuffix(f, ext)
		if d == f || !x.isDir(d) {
			continue
		}
		switch {
		case ext == ".py":
			if m := pyMember(x, d); m != "" {
				out = append(out, Clash{Lang: "python", File: f, Dir: d, member: m})
			}
		case isTSModExt(ext) && !seenTS[d]:
			if m := tsIndex(d, hasFile); m != "" {
				seenTS[d] = true
				out = append(out, Clash{Lang: "typescript", File: f, Dir: d, member: m})
			}
		}
	}
	return out
}

func isTSModExt(ext string) bool {
	for _, e := range tsModExts {
		if e == ext {
			return true
		}
	}
	return false
}

// pyMember returns a Python file directly in d (its __init__.py first).
func pyMember(x *dirIndex, d string) string {
	first := ""
	for _, f := range x.direct[d] {
		if path.Base(f) == "__init__.py" {
			return f
		}
		if first == "" && strings.HasSuffix(f, ".py") {
			first = f
		}
	}
	return first
}

func tsIndex(d string, hasFile func(string) bool) string {
	for _, e := range tsModExts {
		if f := d + "/index" + e; hasFile(f) {
			return f
		}
	}
	return ""
}

// clashAt reports the clash that moving the folder from (holding files)
// to to would create.
func (m *Model) clashAt(to string, files []string, from string) (string, bool) {
	staying := func(f string) bool { return m.fs.HasFile(f) && !isUnder(f, from) }
	hasPy, index := false, ""
	for _, f := range files {
		if dirOf(f) != from {
			continue
		}
		if strings.HasSuffix(f, ".py") {
			hasPy = true
		}
		if s, ok := strings.CutPrefix(f, from+"/index"); ok && index == "" {
			for _, e := range tsModExts {
				if s == e {
					index = f
				}
			}
		}
	}
	if hasPy {
		for _, e := range pyModExts {
			if staying(to + e) {
				return fmt.Sprintf("%s/ would sit beside %s: Python imports the package and every import of %s breaks", to, to+e, path.Base(to+e)), true
			}
		}
	}
	if index != "" {
		for _, e := range tsModExts {
			if staying(to + e) {
				return fmt.Sprintf("%s/ would sit beside %s, which shadows its index", to, to+e), true
			}
		}
	}
	return "", false
}

// stdlib holds the top-level modules of Python's standard library
// (sys.stdlib_module_names of Python 3.11, private ones left out).
var stdlib = func() map[string]bool {
	out := map[string]bool{}
	for _, n := range strings.Fields(stdlibNames) {
		out[n] = true
	}
	return out
}()

const stdlibNames = "abc aifc antigravity argparse array ast asynchat asyncio asyncore atexit audioop base64 bdb binascii " +
	"bisect builtins bz2 cProfile calendar cgi cgitb chunk cmath cmd code codecs codeop collections " +
	"colorsys compileall concurrent configparser contextlib contextvars copy copyreg crypt csv ctypes " +
	"curses dataclasses datetime dbm decimal difflib dis distutils doctest email encodings ensurepip enum " +
	"errno faulthandler fcntl filecmp fileinput fnmatch fractions ftplib functools gc genericpath getopt " +
	"getpass gettext glob graphlib grp gzip hashlib heapq hmac html http idlelib imaplib imghdr imp " +
	"importlib inspect io ipaddress itertools json keyword lib2to3 linecache locale logging lzma mailbox " +
	"mailcap marshal math mimetypes mmap modulefinder msilib msvcrt multiprocessing netrc nis nntplib nt " +
	"ntpath nturl2path numbers opcode operator optparse os ossaudiodev pathlib pdb pickle pickletools " +
	"pipes pkgutil platform plistlib poplib posix posixpath pprint profile pstats pty pwd py_compile " +
	"pyclbr pydoc pydoc_data pyexpat queue quopri random re readline reprlib resource rlcompleter runpy " +
	"sched secrets select selectors shelve shlex shutil signal site smtpd smtplib sndhdr socket " +
	"socketserver spwd sqlite3 sre_compile sre_constants sre_parse ssl stat statistics string stringprep " +
	"struct subprocess sunau symtable sys sysconfig syslog tabnanny tarfile telnetlib tempfile termios " +
	"textwrap this threading time timeit tkinter token tokenize tomllib trace traceback tracemalloc tty " +
	"turtle turtledemo types typing unicodedata unittest urllib uu uuid venv warnings wave weakref " +
	"webbrowser winreg winsound wsgiref xdrlib xml xmlrpc zipapp zipfile zipimport zlib zoneinfo "

// StdlibModule reports whether name is a top-level module of Python's
// standard library: a package of that name placed in a source root
// shadows it (or is shadowed by it, once the module is imported).
func StdlibModule(name string) bool { return stdlib[name] }
