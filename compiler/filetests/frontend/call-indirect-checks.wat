;; call_indirect: the table bounds check, the null check and the signature check by canonical
;; type id, each an explicit trap with its trap code, then the call through the FuncRef.
;;! test = frontend

(module
  (type $binop (func (param i32 i32) (result i32)))
  (table 4 funcref)
  (func (param $i i32) (result i32)
    (call_indirect (type $binop) (i32.const 1) (i32.const 2) (local.get $i))))

;; expected:
;; function %f0(ref, i32) -> i32 {
;;     sig0 = (ref, i32, i32) -> i32
;; block0(v0: ref, v1: i32):
;;     v2 = iconst.i32 1
;;     v3 = iconst.i32 2
;;     v4 = vm_load.ref v0+32
;;     v5 = vm_load.i32 v0+40
;;     v6 = icmp.i32 uge v1, v5
;;     trapnz v6, undefined_element
;;     v7 = uextend v1
;;     v8 = iconst.i64 3
;;     v9 = ishl.i64 v7, v8
;;     v10 = ptr_add v4, v9
;;     v11 = vm_load.ref v10
;;     v12 = ref_is_null v11
;;     trapnz v12, uninitialized_element
;;     v13 = vm_load.i32 v11+16
;;     v14 = vm_load_readonly.i32 v0+72
;;     v15 = icmp.i32 ne v13, v14
;;     trapnz v15, indirect_call_type_mismatch
;;     v16 = vm_load.ref v11
;;     v17 = vm_load.ref v11+8
;;     v18 = call_indirect sig0 v16(v17, v2, v3)
;;     return v18
;; }
