"""AST passes of AutoGraph.

Pass 1 (`_Lowering`) rewrites `break`, `continue` and non-tail `return` into boolean flags
and guarded blocks. Pass 2 (`_ControlFlow`) turns every `if`/`while`/`for` into a call of a
runtime operator (`ag__.if_stmt`, ...) over small nested functions that share the
function's variables through `nonlocal`; the operator decides at run time whether to run
Python control flow or to build an If/While op (tensor condition).
"""
import ast


class ConversionError(Exception):
    """A construct AutoGraph cannot convert (the message names file:line)."""


def _name(id_, store=False):
    return ast.Name(id=id_, ctx=ast.Store() if store else ast.Load())


def _ag(attr):
    return ast.Attribute(value=_name("ag__"), attr=attr, ctx=ast.Load())


def _call(func, args, keywords=()):
    return ast.Call(func=func, args=list(args), keywords=list(keywords))


def _assign(id_, value):
    return ast.Assign(targets=[_name(id_, True)], value=value)


def _const(v):
    return ast.Constant(value=v)


def _not_any(flags):
    test = _call(_ag("not_"), [_name(flags[0])])
    for f in flags[1:]:
        test = _call(_ag("and_"), [ast.Lambda(args=_noargs(), body=test),
                                   ast.Lambda(args=_noargs(),
                                              body=_call(_ag("not_"), [_name(f)]))])
    return test


def _noargs(*names):
    return ast.arguments(posonlyargs=[], args=[ast.arg(arg=n) for n in names], vararg=None,
                         kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[])


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ListComp,
           ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _walk_scope(node):
    """Nodes of `node`'s subtree, not descending into nested scopes."""
    todo = [node]
    while todo:
        n = todo.pop()
        yield n
        for c in ast.iter_child_nodes(n):
            if isinstance(c, _SCOPES):
                yield c  # the node itself (a def binds its name) but not its body
                if isinstance(c, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                    for g in c.generators:
                        todo.append(g.iter)
                continue
            todo.append(c)


def _walk_stmts(stmts):
    for s in stmts:
        yield from _walk_scope(s)


def modified_names(stmts):
    out = []
    for n in _walk_stmts(stmts):
        names = []
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            names = [n.id]
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [n.name]
        elif isinstance(n, ast.ExceptHandler) and n.name:
            names = [n.name]
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            names = [(a.asname or a.name).split(".")[0] for a in n.names]
        for x in names:
            if x not in out:
                out.append(x)
    return out


def load_counts(node):
    counts = {}
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
            counts[n.id] = counts.get(n.id, 0) + 1
    return counts


class _Loop:
    def __init__(self, n):
        self.brk, self.cont = f"break_{n}", f"continue_{n}"
        self.used_brk = self.used_cont = False


def _always_returns(block):
    if not block:
        return False
    last = block[-1]
    if isinstance(last, ast.Return):
        return True
    if isinstance(last, ast.If):
        return _always_returns(last.body) and _always_returns(last.orelse)
    return False


class _Lowering:
    """Pass 1: break/continue/return to flags."""

    def __init__(self, loc):
        self.n = 0
        self.loc = loc
        self.lower_returns = False

    def function(self, fdef):
        for n in _walk_stmts(fdef.body):
            if isinstance(n, (ast.Yield, ast.YieldFrom)):
                raise ConversionError(f"{self.loc(n)}: `yield` is not supported in a function "
                                      "converted by tf.function (AutoGraph); return a tensor or "
                                      "a list/tf.TensorArray of values instead of a generator.")
        nested = [n for s in fdef.body for n in _walk_stmts([s])
                  if isinstance(n, ast.Return)]
        tail = fdef.body[-1] if fdef.body else None
        self.lower_returns = any(r is not tail for r in nested)
        body = self.block(fdef.body, None)
        if self.lower_returns:
            body = [_assign("do_return", _const(False)),
                    _assign("retval_", _call(_ag("Undefined"), [_const("retval_"), _const(True)])),
                    *body, ast.Return(value=_call(_ag("retval"), [_name("retval_")]))]
        fdef.body = body or [ast.Pass()]

    def block(self, stmts, loop):
        """Returns (new statements); sets flags via self._set."""
        stmts = list(stmts)
        out = []
        i = 0
        while i < len(stmts):
            s = stmts[i]
            rest = stmts[i + 1:]
            if isinstance(s, ast.If) and rest:  # `if c: ...; return` absorbs what follows
                if _always_returns(s.body) and not _always_returns(s.orelse):
                    s.orelse = s.orelse + rest
                    rest, stmts = [], stmts[:i + 1]
                elif _always_returns(s.orelse) and not _always_returns(s.body):
                    s.body = s.body + rest
                    rest, stmts = [], stmts[:i + 1]
            if isinstance(s, ast.Break) and loop is not None:
                loop.used_brk = True
                out.append(ast.copy_location(_assign(loop.brk, _const(True)), s))
                return out
            if isinstance(s, ast.Continue) and loop is not None:
                loop.used_cont = True
                out.append(ast.copy_location(_assign(loop.cont, _const(True)), s))
                return out
            if isinstance(s, ast.Return) and self.lower_returns:
                out.append(ast.copy_location(_assign("do_return", _const(True)), s))
                out.append(ast.copy_location(
                    _assign("retval_", s.value if s.value is not None else _const(None)), s))
                return out
            new, flags = self.stmt(s, loop)
            out.extend(new)
            if flags and rest:
                guarded = self.block(rest, loop)
                if guarded:
                    out.append(ast.copy_location(ast.If(test=_not_any(flags), body=guarded,
                                                        orelse=[]), rest[0]))
                return out
            i += 1
        return out

    def _flags_set(self, stmts, loop):
        names = set(modified_names(stmts))
        flags = []
        if loop is not None:
            flags += [f for f in (loop.brk, loop.cont) if f in names]
        if self.lower_returns and "do_return" in names:
            flags.append("do_return")
        return flags

    def stmt(self, s, loop):
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            return [s], []
        if isinstance(s, (ast.While, ast.For)):
            self.n += 1
            inner = _Loop(self.n)
            s.body = self.block(s.body, inner) or [ast.Pass()]
            pre, post = [], []
            flags = []
            if inner.used_cont:
                s.body.insert(0, ast.copy_location(_assign(inner.cont, _const(False)), s))
            if inner.used_brk:
                pre.append(ast.copy_location(_assign(inner.brk, _const(False)), s))
                flags.append(inner.brk)
            if self.lower_returns and "do_return" in modified_names(s.body):
                flags.append("do_return")
            s._ag_flags = flags
            if s.orelse:
                orelse = self.block(s.orelse, loop)
                s.orelse = []
                if inner.used_brk and orelse:
                    post.append(ast.copy_location(ast.If(test=_not_any([inner.brk]),
                                                         body=orelse, orelse=[]), s))
                else:
                    post.extend(orelse)
            new = pre + [s] + post
            return new, self._flags_set(new, loop)
        for field in ("body", "orelse", "finalbody"):
            if isinstance(getattr(s, field, None), list) and getattr(s, field) and \
                    isinstance(getattr(s, field)[0], ast.stmt):
                setattr(s, field, self.block(getattr(s, field), loop) or [ast.Pass()])
        if isinstance(s, ast.Try):
            for h in s.handlers:
                h.body = self.block(h.body, loop) or [ast.Pass()]
        return [s], self._flags_set([s], loop)


class _ControlFlow(ast.NodeTransformer):
    """Pass 2: if/while/for to ag__ operator calls."""

    def __init__(self, fdef, loc, counter):
        self.loc = loc
        self.counter = counter
        self.scope_loads = load_counts(fdef)
        self.globals = set()
        for n in _walk_stmts(fdef.body):
            if isinstance(n, ast.Global):
                self.globals.update(n.names)
        self.shadowed = set(modified_names(fdef.body)) | {a.arg for a in ast.walk(fdef.args)
                                                          if isinstance(a, ast.arg)}
        # zero-argument super() reads the first argument of the frame it runs in, which in
        # a generated branch or loop-body function is not `self`: name both explicitly
        positional = fdef.args.posonlyargs + fdef.args.args
        self.self_name = positional[0].arg if positional else None
        self.loops_with_try = []

    def _next(self):
        self.counter[0] += 1
        return self.counter[0]

    # --- helpers -------------------------------------------------------------------------
    def _decl(self, names):
        out = []
        local = [n for n in names if n not in self.globals]
        glob = [n for n in names if n in self.globals]
        if local:
            out.append(ast.Nonlocal(names=local))
        if glob:
            out.append(ast.Global(names=glob))
        return out

    def _def(self, name, body, names=(), args=()):
        return ast.FunctionDef(name=name, args=_noargs(*args), body=self._decl(names) + body,
                               decorator_list=[], returns=None, type_comment=None)

    def _state_fns(self, n, names):
        tup = ast.Tuple(elts=[_name(x) for x in names], ctx=ast.Load())
        get = self._def(f"get_state_{n}", [ast.Return(value=tup)])
        if names:
            set_body = [ast.Assign(targets=[ast.Tuple(elts=[_name(x, True) for x in names],
                                                      ctx=ast.Store())], value=_name("vars_"))]
        else:
            set_body = [ast.Pass()]
        set_ = self._def(f"set_state_{n}", set_body, names, ["vars_"])
        lds = [_assign(x, _call(_ag("ld"), [ast.Lambda(args=_noargs(), body=_name(x)),
                                            _const(x)]))
               for x in names if x not in self.globals]
        return [get, set_], lds

    def _live(self, node, names):
        inside = load_counts(node)
        return [x for x in names if self.scope_loads.get(x, 0) > inside.get(x, 0)
                or x in ("retval_", "do_return")]

    def _opts(self, node, extra=()):
        return [ast.keyword(arg="loc", value=_const(self.loc(node))), *extra]

    def _tuple(self, names):
        return ast.Tuple(elts=[_const(x) for x in names], ctx=ast.Load())

    def _fix(self, stmts, node):
        for s in stmts:
            for n in ast.walk(s):
                if "lineno" in n._attributes and getattr(n, "lineno", None) is None:
                    ast.copy_location(n, node)
        return stmts

    # --- statements --------------------------------------------------------------------
    def visit_FunctionDef(self, node):
        convert_function_node(node, self.loc, self.counter)
        return node

    def visit_AsyncFunctionDef(self, node):
        return node

    def visit_ClassDef(self, node):
        return node

    def visit_Lambda(self, node):
        return node

    def visit_If(self, node):
        names = modified_names(node.body + node.orelse)
        live = self._live(node, names)
        self.generic_visit(node)
        n = self._next()
        body = self._def(f"if_body_{n}", node.body, names)
        orelse = self._def(f"else_body_{n}", node.orelse or [ast.Pass()], names)
        state, lds = self._state_fns(n, names)
        call = ast.Expr(value=_call(_ag("if_stmt"), [
            node.test, _name(body.name), _name(orelse.name), _name(f"get_state_{n}"),
            _name(f"set_state_{n}"), self._tuple(names), self._tuple(live)], self._opts(node)))
        return self._fix([body, orelse, *state, *lds, call], node)

    def _loop_opts(self, node):
        extra = []
        for n in _walk_stmts(node.body):
            if isinstance(n, ast.Try):
                extra.append(ast.keyword(arg="try_loc", value=_const(self.loc(n))))
                break
        return self._opts(node, extra)

    def visit_While(self, node):
        names = modified_names(node.body)
        live = self._live(node, names)
        flags = getattr(node, "_ag_flags", [])
        opts = self._loop_opts(node)
        self.generic_visit(node)
        n = self._next()
        test = node.test
        if flags:
            test = _call(_ag("and_"), [ast.Lambda(args=_noargs(), body=_not_any(flags)),
                                       ast.Lambda(args=_noargs(), body=test)])
        test_fn = self._def(f"loop_test_{n}", [ast.Return(value=test)])
        body = self._def(f"loop_body_{n}", node.body, names)
        state, lds = self._state_fns(n, names)
        call = ast.Expr(value=_call(_ag("while_stmt"), [
            _name(test_fn.name), _name(body.name), _name(f"get_state_{n}"),
            _name(f"set_state_{n}"), self._tuple(names), self._tuple(live)], opts))
        return self._fix([test_fn, body, *state, *lds, call], node)

    def visit_For(self, node):
        names = modified_names([node.target] + node.body)
        live = self._live(node, names)
        flags = getattr(node, "_ag_flags", [])
        opts = self._loop_opts(node)
        self.generic_visit(node)
        n = self._next()
        out = []
        if flags:
            extra = self._def(f"extra_test_{n}", [ast.Return(value=_not_any(flags))])
            out.append(extra)
            extra_ref = _name(extra.name)
        else:
            extra_ref = _const(None)
        itr = f"itr_{n}"
        body = self._def(f"loop_body_{n}", [ast.Assign(targets=[node.target],
                                                      value=_name(itr))] + node.body,
                         names, [itr])
        state, lds = self._state_fns(n, names)
        call = ast.Expr(value=_call(_ag("for_stmt"), [
            node.iter, extra_ref, _name(body.name), _name(f"get_state_{n}"),
            _name(f"set_state_{n}"), self._tuple(names), self._tuple(live)], opts))
        return self._fix(out + [body, *state, *lds, call], node)

    # --- expressions -------------------------------------------------------------------
    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        if isinstance(func, ast.Name) and func.id not in self.shadowed:
            if func.id in ("print", "range"):
                node.func = ast.copy_location(_ag(func.id + "_"), func)
                return node
            if func.id == "super":
                if not node.args and self.self_name is not None:
                    node.args = [_name("__class__"), _name(self.self_name)]
                return node
        if not _calls_ag(func):
            # user functions called from converted code are converted too (when called)
            node.func = ast.copy_location(_call(_ag("converted"), [func]), func)
        return node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Not):
            return ast.copy_location(_call(_ag("not_"), [node.operand]), node)
        return node

    def visit_BoolOp(self, node):
        self.generic_visit(node)
        if any(isinstance(n, ast.NamedExpr) for n in ast.walk(node)):
            return node
        fn = "and_" if isinstance(node.op, ast.And) else "or_"
        return ast.copy_location(_call(_ag(fn), [ast.Lambda(args=_noargs(), body=v)
                                                 for v in node.values]), node)


def _calls_ag(func):
    """Whether `func` is (or is made by) an `ag__` operator of the generated code."""
    while isinstance(func, (ast.Attribute, ast.Call)):
        func = func.value if isinstance(func, ast.Attribute) else func.func
    return isinstance(func, ast.Name) and func.id == "ag__"


def convert_function_node(fdef, loc, counter=None):
    """Converts a FunctionDef node in place (and the defs nested in it)."""
    counter = counter if counter is not None else [0]
    _Lowering(loc).function(fdef)
    cf = _ControlFlow(fdef, loc, counter)
    new_body = []
    for s in fdef.body:
        r = cf.visit(s)
        new_body.extend(r if isinstance(r, list) else [r])
    fdef.body = new_body
    return fdef
