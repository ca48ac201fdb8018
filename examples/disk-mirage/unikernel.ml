(* Reads the first sector of the disk unik attaches (Solo5 block device "storage") and prints its text. *)
open Lwt.Infix

module Main (B : Mirage_block.S) = struct
  let start disk =
    B.get_info disk >>= fun info ->
    let sector = Cstruct.create info.Mirage_block.sector_size in
    B.read disk 0L [ sector ] >|= function
    | Error e -> Format.printf "read failed: %a\n%!" B.pp_error e
    | Ok () ->
        let text = Cstruct.to_string sector in
        let text = match String.index_opt text '\000' with Some i -> String.sub text 0 i | None -> text in
        Printf.printf "disk says: %s%!" text
end
