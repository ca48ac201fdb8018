(* Sleeps one second on the unikernel's own timer and prints what its monotonic clock measured. *)
let start () =
  let t0 = Mirage_mtime.elapsed_ns () in
  Printf.printf "sleeping 1 s\n%!";
  Lwt.bind (Mirage_sleep.ns (Duration.of_sec 1)) (fun () ->
      let slept = Int64.sub (Mirage_mtime.elapsed_ns ()) t0 in
      Printf.printf "slept %Ld ns\n%!" slept;
      Lwt.return_unit)
