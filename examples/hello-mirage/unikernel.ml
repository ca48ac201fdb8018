(* A console-only MirageOS app: the start function is the whole program. *)
let start () =
  Printf.printf "Hello from MirageOS\n%!";
  Logs.info (fun f -> f "hello-mirage done");
  Lwt.return_unit
