;; Strings cross the boundary as (pointer, length) pairs into the module's linear memory.
;; The host cannot pick addresses itself, so the module exports an allocator: `malloc` hands
;; out a block of memory, `free` gives it back. Modules compiled from C, Rust or Zig export
;; their language's allocator the same way; this one is written by hand so the example needs
;; no toolchain.
(module $greet
  ;; log(ptr, len): implemented by the host, which reads the string from this memory.
  (import "env" "log" (func $log (param i32 i32)))

  (memory (export "memory") 1)

  ;; The prefix of every greeting, at address 0.
  (data (i32.const 0) "Hello, ")

  ;; $heap_top is the end of the allocated area. Allocation starts above the data.
  (global $heap_top (mut i32) (i32.const 1024))

  ;; malloc(size) -> ptr: a bump allocator. Each block is preceded by its size (4 bytes), so
  ;; that free can tell whether a block is the last one. Grows memory when it runs out.
  (func $malloc (export "malloc") (param $size i32) (result i32)
    (local $block i32)
    (local $new_top i32)
    ;; new_top = heap_top + 4 (the header) + size rounded up to a multiple of 4
    local.get $size
    i32.const 7
    i32.add
    i32.const -4
    i32.and
    global.get $heap_top
    i32.add
    local.set $new_top
    ;; grow memory (in 64 KiB pages) while the new top does not fit
    (block $fits
      (loop $grow
        local.get $new_top
        memory.size
        i32.const 16
        i32.shl
        i32.le_u
        br_if $fits
        i32.const 1
        memory.grow
        i32.const -1
        i32.eq
        if
          i32.const 0             ;; out of memory: return the null pointer
          return
        end
        br $grow))
    global.get $heap_top
    local.get $size
    i32.store                     ;; the header: the requested size
    global.get $heap_top
    i32.const 4
    i32.add
    local.set $block
    local.get $new_top
    global.set $heap_top
    local.get $block)

  ;; free(ptr): returns the block. A bump allocator can only reuse the most recent block, so
  ;; freeing in reverse order of allocation (as the host below does) gives all memory back.
  (func $free (export "free") (param $ptr i32)
    (local $end i32)
    local.get $ptr
    i32.eqz
    if
      return                      ;; free(0) does nothing, as in C
    end
    ;; end of the block: ptr + round_up(size, 4)
    local.get $ptr
    local.get $ptr
    i32.const 4
    i32.sub
    i32.load
    i32.const 3
    i32.add
    i32.const -4
    i32.and
    i32.add
    local.set $end
    local.get $end
    global.get $heap_top
    i32.eq
    if
      local.get $ptr
      i32.const 4
      i32.sub
      global.set $heap_top
    end)

  ;; greeting(name_ptr, name_len) -> (ptr, len): allocates "Hello, <name>!" and returns it
  ;; as two results. The caller owns the block and must free it.
  (func $greeting (export "greeting") (param $name i32) (param $name_len i32) (result i32 i32)
    (local $out i32)
    (local $len i32)
    local.get $name_len
    i32.const 8                   ;; "Hello, " and "!"
    i32.add
    local.tee $len
    call $malloc
    local.tee $out
    i32.const 0
    i32.const 7
    memory.copy                   ;; "Hello, "
    local.get $out
    i32.const 7
    i32.add
    local.get $name
    local.get $name_len
    memory.copy                   ;; the name
    local.get $out
    local.get $len
    i32.add
    i32.const 1
    i32.sub
    i32.const 33                  ;; '!'
    i32.store8
    local.get $out
    local.get $len)

  ;; greet(name_ptr, name_len): builds the greeting and hands it to the host's log.
  (func $greet (export "greet") (param $name i32) (param $name_len i32)
    (local $ptr i32)
    (local $len i32)
    local.get $name
    local.get $name_len
    call $greeting
    local.set $len
    local.tee $ptr
    local.get $len
    call $log
    local.get $ptr
    call $free))
