// The catalog as a drop target for a lab folder: files dragged over it light it up; a drop hands
// over the first item (the browser keeps a page from navigating to it).
import { useState, type DragEvent } from 'react';

const carriesFiles = (e: DragEvent) => e.dataTransfer.types.includes('Files');

export function useFolderDrop(onDrop: (file: File) => void) {
  const [over, setOver] = useState(false);
  const handlers = {
    onDragOver: (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
      setOver(true);
    },
    onDragLeave: (e: DragEvent) => {
      // Moving between children fires leave too: only leaving the whole target counts.
      if (!(e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget))) setOver(false);
    },
    onDrop: (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      setOver(false);
      const file = e.dataTransfer.files[0];
      if (file) onDrop(file);
    },
  };
  return { over, handlers };
}
