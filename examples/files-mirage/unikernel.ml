(* `files:` arrive as a Mirage_kv.RO store: the functor's last (here only) argument. *)
open Lwt.Infix

module Main (KV : Mirage_kv.RO) = struct
  let print kv key =
    KV.get kv (Mirage_kv.Key.v key) >|= function
    | Ok data -> Printf.printf "%s: %s%!" key data
    | Error e -> Format.printf "%s: %a\n%!" key KV.pp_error e

  let start kv =
    KV.list kv (Mirage_kv.Key.v "/www") >>= function
    | Error e -> Format.printf "list /www: %a\n%!" KV.pp_error e; Lwt.return_unit
    | Ok entries ->
        Printf.printf "/www holds %d entries\n%!" (List.length entries);
        print kv "/etc/motd" >>= fun () -> print kv "/www/index.html"
end
