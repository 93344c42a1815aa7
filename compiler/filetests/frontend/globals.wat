;; Defined globals are loaded and stored at their vmctx offset; an imported global goes
;; through the pointer the vmctx holds.
;;! test = frontend

(module
  (import "env" "g" (global $imported (mut i32)))
  (global $counter (mut i64) (i64.const 0))
  (func (result i32)
    (global.set $counter (i64.add (global.get $counter) (i64.const 1)))
    (global.set $imported (i32.add (global.get $imported) (i32.const 1)))
    (global.get $imported)))

;; expected:
;; function %f0(ref) -> i32 {
;; block0(v0: ref):
;;     v1 = vm_load.i64 v0+40
;;     v2 = iconst.i64 1
;;     v3 = iadd.i64 v1, v2
;;     vm_store.i64 v0+40, v3
;;     v4 = vm_load_readonly.ref v0+32
;;     v5 = vm_load.i32 v4
;;     v6 = iconst.i32 1
;;     v7 = iadd.i32 v5, v6
;;     v8 = vm_load_readonly.ref v0+32
;;     vm_store.i32 v8, v7
;;     v9 = vm_load_readonly.ref v0+32
;;     v10 = vm_load.i32 v9
;;     return v10
;; }
