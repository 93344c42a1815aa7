;; table.get/set with an inline bounds check, table.size from the table's length, ref.func as
;; the address of its FuncRef record, ref.is_null, and table.grow through a builtin.
;;! test = frontend

(module
  (table $t 2 funcref)
  (elem declare func $f)
  (func $f (param $i i32) (result i32)
    (table.set $t (local.get $i) (ref.func $f))
    (drop (table.grow $t (ref.null func) (i32.const 1)))
    (i32.add (ref.is_null (table.get $t (local.get $i))) (table.size $t))))

;; expected:
;; function %f0(ref, i32) -> i32 {
;; block0(v0: ref, v1: i32):
;;     v2 = iconst.i64 48
;;     v3 = ptr_add v0, v2
;;     v4 = vm_load.ref v0+32
;;     v5 = vm_load.i32 v0+40
;;     v6 = icmp.i32 uge v1, v5
;;     trapnz v6, out_of_bounds_table_access
;;     v7 = uextend v1
;;     v8 = iconst.i64 3
;;     v9 = ishl.i64 v7, v8
;;     v10 = ptr_add v4, v9
;;     vm_store.ref v10, v3
;;     v11 = ref_null
;;     v12 = iconst.i32 1
;;     v13 = iconst.i32 0
;;     v14 = call_builtin table_grow(v0, v13, v11, v12)
;;     v15 = vm_load.ref v0+32
;;     v16 = vm_load.i32 v0+40
;;     v17 = icmp.i32 uge v1, v16
;;     trapnz v17, out_of_bounds_table_access
;;     v18 = uextend v1
;;     v19 = iconst.i64 3
;;     v20 = ishl.i64 v18, v19
;;     v21 = ptr_add v15, v20
;;     v22 = vm_load.ref v21
;;     v23 = ref_is_null v22
;;     v24 = vm_load.i32 v0+40
;;     v25 = iadd.i32 v23, v24
;;     return v25
;; }
