"""wasm_module: a .wasm file built from a .wat source by //tools:wat2wasm (kiln's own text parser).

Example programs load binary modules, as real embedders do, but the examples keep their modules
as readable .wat sources. This rule bridges the two at build time, with no external toolchain:

    load("//examples:wasm_module.bzl", "wasm_module")

    wasm_module(
        name = "add",     # the target; the file is add.wasm
        src = "add.wat",
    )

    cc_binary(
        name = "add_numbers",
        srcs = ["add_numbers.cc"],
        data = [":add"],
        args = ["$(rootpath :add)"],   # `bazel run` passes the file's path
        ...
    )

The module gets a name section (wat2wasm --debug-names), so trap backtraces show $names.
"""

def wasm_module(name, src, **kwargs):
    native.genrule(
        name = name,
        srcs = [src],
        outs = [name + ".wasm"],
        cmd = "$(location //tools:wat2wasm) --debug-names $< $@",
        tools = ["//tools:wat2wasm"],
        **kwargs
    )
