;; Loads and stores name the memory, the 32-bit index and the static offset; the memory base
;; is loaded from the VM context. memory.size reads the length, memory.grow calls a builtin.
;;! test = frontend

(module
  (memory 1)
  (func (param $p i32) (result i32)
    (i32.store offset=8 (local.get $p) (i32.load8_u offset=3 (local.get $p)))
    (i64.store32 offset=16 align=4 (local.get $p) (i64.const -1))
    (drop (memory.grow (i32.const 1)))
    (memory.size)))

;; expected:
;; function %f0(ref, i32) -> i32 {
;; block0(v0: ref, v1: i32):
;;     v2 = uload8.i32 mem0 v1+3
;;     store.i32 mem0 v1+8, v2
;;     v3 = iconst.i64 -1
;;     istore32 mem0 v1+16, v3
;;     v4 = iconst.i32 1
;;     v5 = iconst.i32 0
;;     v6 = call_builtin memory_grow(v0, v5, v4)
;;     v7 = vm_load.i64 v0+40
;;     v8 = iconst.i64 16
;;     v9 = ushr.i64 v7, v8
;;     v10 = ireduce v9
;;     return v10
;; }
