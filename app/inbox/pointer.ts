import { useEffect, useState } from "react";

/**
 * Whether this device has a mouse or trackpad (and so, most likely, a keyboard): keyboard hints such as
 * "Enter sends" or "(e)" are shown only then, not on a phone.
 */
export function useFinePointer(): boolean {
  const [fine, setFine] = useState(true);
  useEffect(() => {
    const query = window.matchMedia("(hover: hover) and (pointer: fine)");
    setFine(query.matches);
    const onChange = () => setFine(query.matches);
    query.addEventListener("change", onChange);
    return () => query.removeEventListener("change", onChange);
  }, []);
  return fine;
}
