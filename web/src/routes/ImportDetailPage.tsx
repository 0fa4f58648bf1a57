import { useParams } from 'react-router';
import { ImportDetail } from '@/features/imports/components/ImportDetail';

export function ImportDetailPage() {
  const { id = '' } = useParams();
  return <ImportDetail key={id} id={id} />;
}
