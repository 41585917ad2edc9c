import { useDropzone } from 'react-dropzone';

const IMAGES = { 'image/jpeg': [], 'image/png': [], 'image/webp': [] };

/** Drag-and-drop (or click to choose) of JPEG, PNG and WebP images. */
export function DropZone(props: {
  label: string;
  testId: string;
  multiple?: boolean;
  onFiles: (files: File[]) => void;
}) {
  const { getRootProps, getInputProps, isDragActive } = useDropzone({
    accept: IMAGES,
    multiple: props.multiple ?? true,
    onDropAccepted: props.onFiles,
  });
  return (
    <div {...getRootProps({ className: isDragActive ? 'dropzone active' : 'dropzone' })} data-testid={props.testId}>
      <input {...getInputProps()} />
      {isDragActive ? 'Drop to upload' : props.label}
    </div>
  );
}
